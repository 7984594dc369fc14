// An image's type from its first bytes, before anything decodes it: only the raster formats the
// studio reads get past here, so sharp's other loaders (SVG, PDF, vips, ...) never see user files.

/** Bytes read to tell the type. */
export const IMAGE_HEAD_BYTES = 64;

export type ImageType = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif';

export type Sniffed = { type: ImageType } | { other: 'svg' | 'unknown' };

const ascii = (b: Uint8Array, at: number, s: string) => Buffer.from(b.subarray(at, at + s.length)).toString('latin1') === s;

export function sniffImage(head: Uint8Array): Sniffed {
  const b = head;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { type: 'jpeg' };
  if (ascii(b, 0, '\x89PNG\r\n\x1a\n')) return { type: 'png' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { type: 'webp' };
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { type: 'gif' };
  if (ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*') || ascii(b, 0, 'II+\0') || ascii(b, 0, 'MM\0+')) return { type: 'tiff' };
  // ISO base media (HEIC, AVIF): a box named ftyp first; sharp tells the brands apart.
  if (ascii(b, 4, 'ftyp')) return { type: 'heif' };
  // XML (SVG): recognised only to name it in the refusal.
  const text = Buffer.from(b)
    .toString('latin1')
    .replace(/^\ufeff|^\xef\xbb\xbf/, '')
    .trimStart();
  if (text.startsWith('<')) return { other: 'svg' };
  return { other: 'unknown' };
}
