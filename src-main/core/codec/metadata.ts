// The original's EXIF and ICC profile, carried in the .latent metadata chunk and restored on
// decompress. Pixels are stored upright (EXIF orientation applied on read), so the orientation tag
// in the carried EXIF is reset to 1: otherwise viewers would rotate the restored image twice.
import sharp from 'sharp';

export interface SourceMetadata {
  exif?: Uint8Array;
  icc?: Uint8Array;
}

/** Largest EXIF or ICC block carried (a JPEG APP1 segment holds at most 64 KiB anyway). */
const MAX_META_BYTES = 1 << 20;

/** From an image file's bytes (read under the input policy with its pixels: codec-files/prepare-file.ts). */
export async function readSourceMetadata(bytes: Buffer): Promise<SourceMetadata> {
  try {
    const m = await sharp(bytes, { limitInputPixels: false }).metadata();
    const out: SourceMetadata = {};
    if (m.exif && m.exif.length > 0 && m.exif.length <= MAX_META_BYTES) out.exif = resetOrientation(Uint8Array.from(m.exif));
    if (m.icc && m.icc.length > 0 && m.icc.length <= MAX_META_BYTES) out.icc = Uint8Array.from(m.icc);
    return out;
  } catch {
    // Metadata is a bonus: an image that decodes without it still compresses.
    return {};
  }
}

/**
 * Sets the orientation tag (0x0112) of IFD0 to 1 in a raw EXIF block ("Exif\0\0" + TIFF, or bare
 * TIFF). Returns a patched copy; bytes that do not parse are returned unchanged.
 */
export function resetOrientation(exif: Uint8Array): Uint8Array {
  const out = Uint8Array.from(exif);
  const start = out.length >= 6 && Buffer.from(out.subarray(0, 6)).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const v = new DataView(out.buffer, out.byteOffset + start, out.length - start);
  if (v.byteLength < 8) return out;
  const order = v.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return out;
  const le = order === 0x4949;
  if (v.getUint16(2, le) !== 42) return out;
  const ifd = v.getUint32(4, le);
  if (ifd + 2 > v.byteLength) return out;
  const n = v.getUint16(ifd, le);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > v.byteLength) break;
    if (v.getUint16(e, le) === 0x0112 && v.getUint16(e + 2, le) === 3 && v.getUint32(e + 4, le) === 1) {
      v.setUint16(e + 8, 1, le);
      break;
    }
  }
  return out;
}
