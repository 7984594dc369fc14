// The CLI's progress line: the bar and ETA follow done/total (and the part within the next item),
// or the work's own fraction and ETA where it gives them (a training on a time budget, whose epoch
// count is only an estimate).
import { describe, expect, it } from 'vitest';
import { createProgressBar } from '../../src-main/cli/progress.js';

function sink(): NodeJS.WritableStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (s: string) => (lines.push(s.trimEnd()), true) } as unknown as NodeJS.WritableStream & { lines: string[] };
}

describe('progress bar', () => {
  it('fills by done/total when the work gives nothing better', () => {
    const out = sink();
    createProgressBar(out, 'train').update(1, 4, 'epoch 1');
    expect(out.lines[0]).toMatch(/^train \[#{6}\.{18}\] 1\/4 ETA \d+s epoch 1$/);
  });

  it("uses the work's own fraction and ETA: 1 of 8 epochs, but half the time budget spent with 90 s left", () => {
    const out = sink();
    createProgressBar(out, 'train').update(1, 8, 'epoch 2 batch 40', undefined, { fraction: 0.5, etaSeconds: 90 });
    expect(out.lines[0]).toBe('train [############............] 1/8 ETA 1m30s epoch 2 batch 40');
  });

  it('shows no ETA when the work does not know it yet', () => {
    const out = sink();
    createProgressBar(out, 'train').update(0, 8, '', undefined, { fraction: 0.01, etaSeconds: null });
    expect(out.lines[0]).not.toContain('ETA');
  });
});
