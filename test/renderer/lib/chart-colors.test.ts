import { describe, expect, it } from 'vitest';
import { seriesColor, seriesShape } from '../../../src-renderer/src/lib/chart-colors';

/** Okabe & Ito's palette (distinguishable with the common colour-vision deficiencies) and the greys beside it. */
const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000'];
const GREYS = ['#7a7a7a', '#999999'];

describe('chart colours', () => {
  it('every series colour, named or by position, is from the colour-blind-safe palette', () => {
    const named = ['latent', 'JPEG', 'webp', 'avif', 'base', 'png'].map((n, i) => seriesColor(n, i));
    const byPosition = Array.from({ length: 14 }, (_, i) => seriesColor(`series ${i}`, i));
    for (const c of [...named, ...byPosition]) expect([...OKABE_ITO, ...GREYS].map((x) => x.toLowerCase())).toContain(c.toLowerCase());
  });

  it("the training monitor's loss and validation lines differ in colour and mark (no red/green pair)", () => {
    // TrainingMonitor.svelte keys its two lines 'loss' and 'val', in that order.
    const loss = seriesColor('loss', 0);
    const val = seriesColor('val', 1);
    expect(loss).not.toBe(val);
    expect(seriesShape('loss', 0)).not.toBe(seriesShape('val', 1));
    for (const c of [loss, val]) expect(['#ff0000', '#00ff00', '#008000', '#d62728', '#2ca02c']).not.toContain(c.toLowerCase());
  });
});
