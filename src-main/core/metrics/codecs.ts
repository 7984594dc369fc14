// The classical codecs the studio compares against, declared once (Squoosh style): label, file
// extension, MIME type, the sharp encoder options, the quality range and the default sweep.
// Browser-safe (no imports), so the renderer can show labels and defaults from the same table.

export type ClassicalCodec = 'jpeg' | 'webp' | 'avif';

export interface ClassicalCodecMeta {
  label: string;
  extension: string;
  mime: string;
  /** Options passed to sharp's encoder besides `quality`. */
  options: Readonly<Record<string, string | number | boolean>>;
  minQuality: number;
  maxQuality: number;
  defaultQuality: number;
  /**
   * Qualities of a rate-distortion sweep, low to high. They start at 1 so the classical curves
   * reach down to the low PSNRs small autoencoders give (else BD-rate often finds no overlap).
   */
  sweep: readonly number[];
}

export const CLASSICAL_CODECS: Readonly<Record<ClassicalCodec, ClassicalCodecMeta>> = {
  jpeg: {
    label: 'JPEG (mozjpeg)',
    extension: 'jpg',
    mime: 'image/jpeg',
    // mozjpeg: trellis quantization, progressive scans, optimized Huffman tables; 4:2:0 chroma.
    options: { mozjpeg: true, chromaSubsampling: '4:2:0' },
    minQuality: 1,
    maxQuality: 100,
    defaultQuality: 75,
    sweep: [1, 3, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95],
  },
  webp: {
    label: 'WebP',
    extension: 'webp',
    mime: 'image/webp',
    // libwebp lossy; effort 4 is sharp's default speed/size trade-off.
    options: { effort: 4 },
    minQuality: 1,
    maxQuality: 100,
    defaultQuality: 75,
    sweep: [1, 3, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95],
  },
  avif: {
    label: 'AVIF',
    extension: 'avif',
    mime: 'image/avif',
    // libaom through libheif, 8-bit, 4:2:0; effort 4 is sharp's default.
    options: { effort: 4, chromaSubsampling: '4:2:0' },
    minQuality: 1,
    maxQuality: 100,
    defaultQuality: 50,
    sweep: [1, 3, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95],
  },
};

export const CLASSICAL_CODEC_NAMES = Object.keys(CLASSICAL_CODECS) as ClassicalCodec[];

export function isClassicalCodec(name: string): name is ClassicalCodec {
  return Object.prototype.hasOwnProperty.call(CLASSICAL_CODECS, name);
}
