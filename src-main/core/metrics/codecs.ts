// The classical codecs the studio compares against, declared once (Squoosh style): label, file
// extension, MIME type, the sharp encoder options, the quality range and the default sweep.
// Browser-safe (it imports only the contract, whose CLASSICAL_CODEC_NAMES is the one list of
// names: this table must declare each), so the renderer can show labels and defaults from it.
import { CLASSICAL_CODEC_NAMES as NAMES } from '../contract/eval.js';
import type { ClassicalCodecName } from '../contract/eval.js';

export type ClassicalCodec = ClassicalCodecName;

export interface ClassicalCodecMeta {
  label: string;
  /** The name alone ("JPEG"), as verdicts, the BD-rate table and its legends say it. */
  shortLabel: string;
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
    shortLabel: 'JPEG',
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
    shortLabel: 'WebP',
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
    shortLabel: 'AVIF',
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

/** The contract's list, in its order (a mutable copy, as request defaults are typed). */
export const CLASSICAL_CODEC_NAMES: ClassicalCodec[] = [...NAMES];

export function isClassicalCodec(name: string): name is ClassicalCodec {
  return Object.prototype.hasOwnProperty.call(CLASSICAL_CODECS, name);
}
