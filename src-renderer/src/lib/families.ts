// The model families as the renderer shows them: everything comes from the core's registry
// (src-main/core/engine/models/families.ts, browser-safe); this file only words and formats it.
import { FAMILIES, defaultFamily, familyMeta, type FamilyName } from '../../../src-main/core/engine/models/families';
import type { DataFacts, FamilyMeta } from '../../../src-main/core/engine/models/family-meta';

export { DEFAULT_LAMBDAS, type DataFacts, type FamilyMeta, type FamilyOptions } from '../../../src-main/core/engine/models/family-meta';
export { defaultFamily, familyMeta, type FamilyName };

/** Every family, in the registry's order (learned ones first). */
export const FAMILY_LIST: readonly FamilyMeta[] = FAMILIES;

export { defaultMinutes } from '../../../src-main/core/engine/models/family-meta';

export function familyLabel(name: string | undefined): string {
  if (!name) return '–';
  return familyMeta(name)?.label ?? name;
}

/** Multiply-accumulates per pixel, compact: 306, 12.3 k, 1.24 M. */
export function formatMac(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n < 1000) return `${Math.round(n)}`;
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 2 : 1)} k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} M`;
}

/** A lambda as typed: 0.002, 0.03, 0.1. */
export function formatLambda(l: number): string {
  return String(Number(l.toPrecision(3)));
}

/** What the quality slider of a learned model covers: "quality 1-100 spans lambda 0.002 to 0.03". */
export function rateRange(lambdas: readonly number[]): string {
  const ok = lambdas.filter((l) => Number.isFinite(l));
  if (ok.length === 0) return '–';
  const lo = Math.min(...ok);
  const hi = Math.max(...ok);
  if (lo === hi) return `one rate point: every quality uses lambda ${formatLambda(lo)}`;
  return `quality 1-100 spans lambda ${formatLambda(lo)} to ${formatLambda(hi)}`;
}

/** The wording old (v1) families get wherever a learned model shows its entropy model. */
export const RECONSTRUCTION_ONLY = 'reconstruction-only (no entropy model)';

/** MAC per pixel of a family for hyperparameters, or null when they do not fit its schema. */
export function macOf(meta: FamilyMeta, hyper: unknown, channels: number): { encoder: number; decoder: number } | null {
  const parsed = meta.hyperSchema.safeParse(hyper);
  if (!parsed.success) return null;
  const mac = meta.mac(parsed.data, channels);
  return Number.isFinite(mac.encoder) && Number.isFinite(mac.decoder) ? mac : null;
}

/** Facts of a dataset as the Train view samples them. */
export function factsOf(typical: { width: number; height: number; channels: number; maxEdge: number }): DataFacts {
  return {
    channels: typical.channels === 1 ? 1 : 3,
    maxEdge: typical.maxEdge,
    typical: { width: typical.width, height: typical.height },
  };
}
