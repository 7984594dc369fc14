// The built-in base models (general, read-only, shipped with the studio) and the start of a
// fine-tune, as the renderer shows them. Which base fits is the core's one rule (engine/models/base-fit.ts).
import type { ModelSummary } from '../../../src-main/core/api';
import type { RdPoint, StartedFrom } from '../../../src-main/core/engine/model-card';
import {
  basesFor as coreBasesFor,
  cardHyper,
  fittingBase as coreFittingBase,
  weightShapeKey,
} from '../../../src-main/core/engine/models/base-fit';
import { compareNames } from '../../../src-main/core/system/compare-names';
import type { FamilyMeta } from './families';
import { asCard, rdOf } from './model-card';

/** The one line a base model gets wherever it is listed. */
export const BASE_LINE = 'built-in general model; read-only; new trainings start from it';

/** The legend of the start model's curve beside a fine-tuned model's own. */
export const BEFORE_FINE_TUNING = 'base (before fine-tuning)';

export function imageKind(channels: number | undefined): string {
  return channels === 1 ? 'gray' : channels === 3 ? 'RGB' : 'unknown';
}

/** A base's weight shapes in words ("n 64, m 12, stages 2, 4 rate points"), for a mismatch note. */
export function shapeWords(hyper: Record<string, unknown>, meta: FamilyMeta): string {
  const skip = new Set<string>(['arch', 'lambdas', ...(meta.trainingOnly ?? [])]);
  const words = Object.entries(hyper)
    .filter(([k, v]) => !skip.has(k) && v !== undefined)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('-') : String(v)}`);
  const lambdas = Array.isArray(hyper.lambdas) ? hyper.lambdas.length : 0;
  if (lambdas) words.push(`${lambdas} rate point${lambdas === 1 ? '' : 's'}`);
  return words.join(', ');
}

/** Built-in bases of a family for gray (1) or RGB (3) images. */
export function basesFor(models: readonly ModelSummary[], family: string, channels: number): ModelSummary[] {
  return coreBasesFor(models, family, channels);
}

/** The base whose weight shapes equal those of `hyper` (the one the core starts from), if any. */
export function fittingBase(bases: readonly ModelSummary[], meta: FamilyMeta, hyper: Record<string, unknown> | null): ModelSummary | null {
  return hyper ? coreFittingBase(bases, meta, hyper) : null;
}

export const baseHyper = cardHyper;
export const shapeKey = weightShapeKey;

/** What a base was trained on (its card's base.corpus), if it says. */
export function baseCorpus(card: Record<string, unknown>): string | null {
  const base = card.base as { corpus?: unknown } | undefined;
  return typeof base?.corpus === 'string' && base.corpus.trim() ? base.corpus.trim() : null;
}

/** The model a fine-tune started from, as its card records it (null: from scratch, or an old card). */
export function startedFromOf(card: Record<string, unknown>): StartedFrom | null {
  const s = asCard(card).startedFrom;
  return s && typeof s.id === 'string' && typeof s.name === 'string' ? s : null;
}

/** The start model's validation curve on this model's validation images, lowest rate first. */
export function startCurveOf(card: Record<string, unknown>): RdPoint[] {
  const s = startedFromOf(card);
  return s?.rd ? rdOf({ rd: s.rd }) : [];
}

/** The user's models first (newest first, as listed), then the built-in bases by name. */
export function userModelsFirst(models: readonly ModelSummary[]): ModelSummary[] {
  return [...models.filter((m) => !m.builtin), ...models.filter((m) => m.builtin).sort((a, b) => compareNames(a.name, b.name))];
}
