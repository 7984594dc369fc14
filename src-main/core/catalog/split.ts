// Train/validation/test split decided by the image's content hash: the same image lands in the
// same split on every machine and in every re-import, and the split never has to be stored
// elsewhere to be reproducible.
import type { Split } from './types.js';

export const SPLIT_FRACTIONS = { train: 0.8, val: 0.1, test: 0.1 } as const;

/** Maps the first 32 bits of a hex sha256 to [0, 1) and cuts it 80/10/10. */
export function splitForHash(hexHash: string): Split {
  const head = Number.parseInt(hexHash.slice(0, 8), 16);
  if (!Number.isFinite(head) || hexHash.length < 8) throw new Error(`splitForHash: not a hex hash: ${hexHash}`);
  const x = head / 2 ** 32;
  if (x < SPLIT_FRACTIONS.train) return 'train';
  if (x < SPLIT_FRACTIONS.train + SPLIT_FRACTIONS.val) return 'val';
  return 'test';
}
