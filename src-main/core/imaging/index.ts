export { readImage, imageInfo, describeImageError, DEFAULT_MAX_PIXELS } from './read.js';
export type { RawImage, ImageInfo, ReadOptions, Channels } from './read.js';
export { encodeImage, writeFileAtomic, rawToSharp, insertExif } from './write.js';
export type { OutputFormat, EncodeOptions } from './write.js';
