// The pixel limit a request runs under: its own (--max-pixels, or a form's "Largest image"), else
// the studio's setting (settings.json), else the default. One rule for import, training, Compare,
// evaluation and batches.
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import type { StudioHome } from '../system/home.js';
import { readSettings } from './store.js';

export async function pixelLimit(home: Pick<StudioHome, 'root'>, asked?: number): Promise<number> {
  if (asked !== undefined) return asked;
  return (await readSettings(home)).maxPixels ?? DEFAULT_MAX_PIXELS;
}
