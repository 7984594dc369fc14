// The runtime side of the family list: the tfjs implementation of each learned family.
import type { FamilyName } from './families.js';
import { densePrior } from './dense-prior/model.js';
import { factorized } from './factorized/model.js';
import { hyperprior } from './hyperprior/model.js';
import type { LearnedImpl } from './learned.js';

const LEARNED: Partial<Record<FamilyName, LearnedImpl<never>>> = {
  factorized: factorized as LearnedImpl<never>,
  hyperprior: hyperprior as LearnedImpl<never>,
  'dense-prior': densePrior as LearnedImpl<never>,
};

/** The implementation of a learned family (throws for the v1 families, which train through train.ts). */
export function learnedImpl<H>(name: string): LearnedImpl<H> {
  const impl = LEARNED[name as FamilyName];
  if (!impl) throw new Error(`${name} is not a learned family`);
  return impl as unknown as LearnedImpl<H>;
}
