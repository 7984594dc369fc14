// Which built-in base model a training of a family can start from (browser-safe: the core's
// train-start.ts and the renderer's train form apply the same rule): a built-in model of the same
// family and image channels whose weight shapes are those of the planned hyperparameters, i.e.
// every hyperparameter equal except the ones the family marks training-only (the crop size) and the
// values of its count-only lists (the lambdas: their number fixes the gain vectors, not their values).
import type { FamilyMeta } from './family-meta.js';

export interface BaseCandidate {
  builtin: boolean;
  arch: string;
  card: Record<string, unknown>;
}

/** The hyperparameters that fix the weights' shapes, as one comparable string. */
export function weightShapeKey(hyper: Record<string, unknown>, meta: FamilyMeta): string {
  const skip = new Set<string>(meta.trainingOnly ?? []);
  const counted = new Set<string>(meta.countOnly ?? []);
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(hyper)
        .filter(([k]) => !skip.has(k))
        .map(([k, v]): [string, unknown] => (counted.has(k) && Array.isArray(v) ? [k, { count: v.length }] : [k, v]))
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  );
}

/** A model card's hyperparameters, if it has them. */
export function cardHyper(m: BaseCandidate): Record<string, unknown> | null {
  const h = m.card.hyper;
  return h !== null && typeof h === 'object' ? (h as Record<string, unknown>) : null;
}

/** Built-in bases of a family for gray (1) or RGB (3) images. */
export function basesFor<T extends BaseCandidate>(models: readonly T[], family: string, channels: number): T[] {
  return models.filter((m) => m.builtin && m.arch === family && m.card.channels === channels);
}

/** The base whose weight shapes equal those of `hyper`, if any. */
export function fittingBase<T extends BaseCandidate>(bases: readonly T[], meta: FamilyMeta, hyper: Record<string, unknown>): T | null {
  const key = weightShapeKey(hyper, meta);
  return (
    bases.find((b) => {
      const h = cardHyper(b);
      return h !== null && weightShapeKey(h, meta) === key;
    }) ?? null
  );
}
