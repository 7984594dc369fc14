// Which file names are images and latent files, by extension (browser-safe: the import view
// counts a dropped folder's images with the same list the walk uses).

/** Names a folder walk takes as images; types sharp cannot decode here (.bmp, HEVC .heic) are reported when read. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.avif',
  '.gif',
  '.tif',
  '.tiff',
  '.bmp',
  '.heic',
  '.heif',
]);
export const LATENT_EXTENSION = '.latent';

/** Whether a file name has one of the image extensions (case-insensitive). */
export function isImageName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(name.slice(dot).toLowerCase());
}
