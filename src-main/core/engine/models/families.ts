// THE list of model families (browser-safe declarations). Adding a family is a folder with its
// meta.ts and model.ts, one line here and one line in registry.ts; nothing else names a family.
import { convMeta } from './conv/meta.js';
import { denseMeta } from './dense/meta.js';
import { densePriorMeta } from './dense-prior/meta.js';
import { SMALL_IMAGE_EDGE, type FamilyMeta } from './family-meta.js';
import { factorizedMeta } from './factorized/meta.js';
import { hyperpriorMeta } from './hyperprior/meta.js';

export const FAMILIES = [factorizedMeta, hyperpriorMeta, densePriorMeta, denseMeta, convMeta] as const;

export type FamilyName = (typeof FAMILIES)[number]['name'];
export const FAMILY_NAMES = FAMILIES.map((f) => f.name) as [FamilyName, ...FamilyName[]];

export function familyMeta(name: string): FamilyMeta | undefined {
  return (FAMILIES as readonly FamilyMeta[]).find((f) => f.name === name);
}

export function familyByFormatId(id: number): FamilyMeta | undefined {
  return (FAMILIES as readonly FamilyMeta[]).find((f) => f.formatId === id);
}

/** The family a dataset gets when the request names none: measured on the shared data (docs/results.md). */
export function defaultFamily(maxEdge: number): FamilyName {
  return maxEdge <= SMALL_IMAGE_EDGE ? 'factorized' : 'hyperprior';
}
