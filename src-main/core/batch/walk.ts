// A batch's inputs as files: the studio's one folder walk (input/walk.ts), taking images for a
// compress batch and .latent files for a decompress batch.
import type { BatchFailure, BatchKind } from '../contract/batch.js';
import { walkInputs as walk, type WalkedFile } from '../input/walk.js';

export { IMAGE_EXTENSIONS, LATENT_EXTENSION, isInside } from '../input/walk.js';
export type { WalkedFile } from '../input/walk.js';

export interface WalkResult {
  files: WalkedFile[];
  failed: BatchFailure[];
}

/**
 * Walks the inputs. `exclude` names folders never entered (the output folder when it lies inside
 * an input folder, so earlier outputs are not taken as inputs).
 */
export function walkInputs(inputs: string[], kind: BatchKind, exclude: string[] = []): Promise<WalkResult> {
  return walk(inputs, kind === 'compress' ? 'images' : 'latents', exclude);
}
