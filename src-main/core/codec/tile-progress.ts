// Tile progress within one file, passed on at a readable rate: a 24-megapixel photo codes a few
// hundred tiles over about a minute, and a folder of 1-megapixel images a handful each, so every
// tile of every worker would be a flood of events. The first tile of each pass always goes out
// (an ETA can start from it); the rest at most every `everyMs`. An image of one tile says nothing:
// its file's own event follows at once.
import type { TileProgress } from './model.js';

export const TILE_REPORT_MS = 250;

export function throttledTiles(report: (done: number, total: number) => void, everyMs = TILE_REPORT_MS): TileProgress {
  let last = -Infinity;
  return (done, total) => {
    if (total <= 1 || done >= total) return;
    const now = Date.now();
    if (done !== 1 && now - last < everyMs) return;
    last = now;
    report(done, total);
  };
}
