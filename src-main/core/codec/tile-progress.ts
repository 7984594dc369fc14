// Tile progress within one file, passed on at a readable rate: a 24-megapixel photo codes a few
// hundred tiles over about a minute, and a folder of 1-megapixel images a handful each, so every
// tile of every worker would be a flood of events. The first tile of each file always goes out
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

/**
 * One file's tiles over every pass its coding makes through them (the encode, then the decode that
 * measures its PSNR; a target search several of each) as one count with one total, known from the
 * start: a bar then does not wait near its end while the measuring decode runs. `passes` is how
 * many passes the coding makes at most (fewer: the file's own event ends the count early); each
 * `next()` is the progress of the next pass. A pass of one tile says nothing, as above.
 */
export function tilePasses(report: TileProgress | undefined, passes: number): () => TileProgress | undefined {
  let pass = 0;
  return () => {
    if (!report) return undefined;
    const index = pass++;
    // More passes than announced would be a bug in the caller's count: grow rather than overflow.
    const planned = Math.max(passes, pass);
    return (done, total) => {
      if (total > 1) report(index * total + done, planned * total);
    };
  };
}
