// Reading the model card the catalog hands over as a plain object: the family, a one-line
// description of the hyperparameters, decoder cost and the validation figures.
import type { ModelCard, RdPoint } from '../../../src-main/core/engine/model-card';
import { familyMeta, macOf, type FamilyMeta } from './families';
import { formatBytes } from './format';

/** The card as it may arrive: any field can be missing on old or foreign cards. */
export type Card = Partial<ModelCard>;

export function asCard(card: Record<string, unknown>): Card {
  return card as Card;
}

export function familyOf(card: Record<string, unknown>): FamilyMeta | undefined {
  const c = asCard(card);
  return familyMeta(c.arch ?? c.hyper?.arch ?? '');
}

function word(key: string, v: unknown): string {
  return `${key} ${Array.isArray(v) ? v.join('-') : String(v)}`;
}

/** The hyperparameters in one line ("n 64, m 96, crop 128"), without the family and the lambdas. */
export function hyperSummary(card: Record<string, unknown>): string {
  const h = asCard(card).hyper as Record<string, unknown> | undefined;
  if (!h) return '';
  return Object.entries(h)
    .filter(([k]) => k !== 'arch' && k !== 'lambdas' && k !== 'decoderLayers')
    .map(([k, v]) => word(k, v))
    .join(', ');
}

/** The family's label (the arch name for a family this build does not know). */
export function describeArch(card: Record<string, unknown>): string {
  const c = asCard(card);
  return familyOf(card)?.label ?? c.arch ?? '–';
}

/** MAC per pixel of encoder and decoder: the card's own figure, else the family's formula. */
export function macOfCard(card: Record<string, unknown>): { encoder: number; decoder: number } | null {
  const c = asCard(card);
  if (c.mac && Number.isFinite(c.mac.decoder)) return c.mac;
  const meta = familyOf(card);
  if (!meta || !c.hyper) return null;
  return macOf(meta, c.hyper, c.channels ?? 3);
}

/**
 * Bytes of the decoder (weights, plus entropy tables for learned families). A card that does not
 * say (old catalog copies hold 0) gets 4 bytes per float32 decoder parameter, marked as estimated.
 */
export function decoderBytesOf(card: Record<string, unknown>): { bytes: number; estimated: boolean } | null {
  const c = asCard(card);
  if (typeof c.decoderBytes === 'number' && c.decoderBytes > 0) return { bytes: c.decoderBytes, estimated: false };
  const params = c.params?.decoder;
  return typeof params === 'number' && params > 0 ? { bytes: params * 4, estimated: true } : null;
}

/** Decoder bytes as shown: "466 KB", "≈ 85 KB" (estimated), "–". */
export function formatDecoderBytes(card: Record<string, unknown>): string {
  const d = decoderBytesOf(card);
  return d ? `${d.estimated ? '≈ ' : ''}${formatBytes(d.bytes)}` : '–';
}

/** The validation rate-distortion points (learned families), lowest rate first. */
export function rdOf(card: Record<string, unknown>): RdPoint[] {
  const rd = asCard(card).rd;
  return Array.isArray(rd) ? [...rd].filter((p) => Number.isFinite(p.bpp) && Number.isFinite(p.psnr)).sort((a, b) => a.bpp - b.bpp) : [];
}

/** The lambdas the model was trained for (learned families). */
export function lambdasOf(card: Record<string, unknown>): number[] {
  const h = asCard(card).hyper as { lambdas?: unknown } | undefined;
  return Array.isArray(h?.lambdas) ? (h.lambdas as number[]) : [];
}

export function finalValPsnr(card: Record<string, unknown>): number | null {
  const hist = asCard(card).history ?? [];
  for (let i = hist.length - 1; i >= 0; i--) {
    const v = hist[i]?.valPsnr;
    if (typeof v === 'number') return v;
  }
  return null;
}
