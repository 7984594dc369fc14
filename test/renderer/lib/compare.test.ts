import { describe, expect, test, vi } from 'vitest';
import type { EqualSizeComparison, EqualSizeEntry } from '../../../src-main/core/contract/eval';
import { CompareState } from '../../../src-renderer/src/lib/compare.svelte';
import { deferred, FakeStudio, type Deferred } from '../fake-studio';

const entry = (codec: EqualSizeEntry['codec'], quality: number): EqualSizeEntry => ({
  codec,
  label: codec,
  quality,
  bytes: 1000,
  bpp: 0.5,
  ratio: 10,
  rawRatio: 48,
  psnr: 30,
  ssim: 0.9,
  msssim: 0.95,
  image: { mime: 'image/png', base64: '' },
});
const comparison = (quality: number, classical: EqualSizeEntry['codec'][] = ['jpeg', 'webp']): EqualSizeComparison => ({
  path: '/t/a.png',
  width: 28,
  height: 28,
  channels: 1,
  originalBytes: 800,
  original: { mime: 'image/png', base64: '' },
  model: 'm1',
  latent: entry('latent', quality),
  classical: classical.map((c) => entry(c, 50)),
});

describe('CompareState', () => {
  test('runs one comparison at a time, then once more for the latest selection only', async () => {
    const fake = new FakeStudio();
    const answers: Deferred<EqualSizeComparison>[] = [];
    fake.handle('compareAtEqualSize', () => {
      const d = deferred<EqualSizeComparison>();
      answers.push(d);
      return d.promise;
    });
    const compare = new CompareState(fake.client);
    compare.modelId = 'm1';
    compare.imagePath = '/t/a.png';
    compare.quality = 50;

    const first = compare.run();
    // The slider moves on twice while the first comparison runs.
    compare.quality = 60;
    void compare.run();
    compare.quality = 70;
    void compare.run();
    expect(fake.callsOf('compareAtEqualSize')).toHaveLength(1);
    answers[0]!.resolve(comparison(50));
    await first;
    await fake.called('compareAtEqualSize', 2);
    answers[1]!.resolve(comparison(70));
    await vi.waitFor(() => expect(compare.loading).toBe(false));

    expect(fake.callsOf('compareAtEqualSize').map((r) => r.quality)).toEqual([50, 70]);
    expect(compare.result?.latent.quality).toBe(70);
  });

  test('shows the progress of its own request and keeps the codec shown when the result has it', async () => {
    const fake = new FakeStudio();
    const answer = deferred<EqualSizeComparison>();
    fake.handle('compareAtEqualSize', () => answer.promise);
    const compare = new CompareState(fake.client);
    compare.modelId = 'm1';
    compare.imagePath = '/t/a.png';
    compare.shown = 'avif';

    const running = compare.run();
    fake.emit('compareProgress', { model: 'm1', path: '/t/b.png', quality: 75, done: 1, total: 5, step: 'other image', cached: 0 });
    expect(compare.progress).toBeNull();
    fake.emit('compareProgress', {
      model: 'm1',
      path: '/t/a.png',
      quality: 75,
      done: 2,
      total: 5,
      step: 'AVIF closest to 1 KB',
      cached: 1,
    });
    expect(compare.progress?.step).toBe('AVIF closest to 1 KB');
    answer.resolve(comparison(75, ['jpeg', 'webp']));
    await running;

    expect(compare.progress).toBeNull();
    // No AVIF in this result: the latent image is shown instead.
    expect(compare.shown).toBe('latent');
    expect(compare.entries().map((e) => e.codec)).toEqual(['latent', 'jpeg', 'webp']);
  });
});
