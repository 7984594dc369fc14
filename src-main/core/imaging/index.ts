export { readImage, imageInfo, loadImageFile, describeImageError, DEFAULT_MAX_PIXELS } from './read.js';
export type { ImageInfo, ReadOptions, LoadedImageFile } from './read.js';
export type { RawImage, Channels, FloatImage } from './pixels.js';
export { sniffImage, IMAGE_HEAD_BYTES } from './image-type.js';
export type { ImageType } from './image-type.js';
export { encodeImage, writeFileAtomic, rawToSharp, insertExif } from './write.js';
export type { OutputFormat, EncodeOptions } from './write.js';
