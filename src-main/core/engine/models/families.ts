// THE list of model families (browser-safe declarations). Adding a family is a folder with its
// meta.ts and model.ts, its name in contract/families.ts (the contract may not import the engine),
// one line here and one line in registry.ts; nothing else names a family.
import { FAMILY_NAMES, type FamilyName } from '../../contract/families.js';
import { convMeta } from './conv/meta.js';
import { denseMeta } from './dense/meta.js';
import { densePriorMeta } from './dense-prior/meta.js';
import { SMALL_IMAGE_EDGE, type FamilyMeta } from './family-meta.js';
import { factorizedMeta } from './factorized/meta.js';
import { hyperpriorMeta } from './hyperprior/meta.js';

export { FAMILY_NAMES, type FamilyName };

// Each of the contract's names with its declaration: `satisfies` refuses a missing name, a name the
// contract lacks and a declaration filed under another family's name.
const BY_NAME = {
  factorized: factorizedMeta,
  hyperprior: hyperpriorMeta,
  'dense-prior': densePriorMeta,
  dense: denseMeta,
  conv: convMeta,
} as const satisfies { readonly [K in FamilyName]: { readonly name: K } };

/** The declarations in the contract's order. */
export const FAMILIES = FAMILY_NAMES.map((name) => BY_NAME[name]);

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
