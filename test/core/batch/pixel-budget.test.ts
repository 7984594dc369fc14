// The pool-wide pixel budget: images share it, one bigger than all of it runs alone, and the
// shared counter hands each item to exactly one claimant.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { claimNext, createControl, PixelBudget } from '../../../src-main/core/batch/pixel-budget.js';

const POLL_MS = 2;
/** A waiting acquire re-checks the budget every POLL_MS: this runs ten of its checks (fake timers). */
const tenPolls = () => vi.advanceTimersByTimeAsync(10 * POLL_MS);

afterEach(() => {
  vi.useRealTimers();
});

describe('PixelBudget', () => {
  it('lets images in while they fit, makes the next wait, and gives an oversized one the whole budget', async () => {
    vi.useFakeTimers();
    const control = createControl();
    const budget = new PixelBudget(control, 10_000_000, POLL_MS);
    const a = await budget.acquire(6_000_000);
    let bIn = false;
    const b = budget.acquire(6_000_000).then((release) => {
      bIn = true;
      return release;
    });
    await tenPolls();
    expect(bIn).toBe(false);
    expect(budget.inUse()).toBe(6_000_000);
    a();
    a(); // a second release changes nothing
    await tenPolls();
    const releaseB = await b;
    expect(bIn).toBe(true);
    expect(budget.inUse()).toBe(6_000_000);

    let bigIn = false;
    const big = budget.acquire(50_000_000).then((release) => {
      bigIn = true;
      return release;
    });
    await tenPolls();
    expect(bigIn).toBe(false);
    releaseB();
    await tenPolls();
    const releaseBig = await big;
    expect(budget.inUse()).toBe(50_000_000);
    releaseBig();
    expect(budget.inUse()).toBe(0);
  });

  it('stops waiting when cancelled', async () => {
    const budget = new PixelBudget(createControl(), 1_000_000, 2);
    const hold = await budget.acquire(1_000_000);
    const controller = new AbortController();
    const waiting = budget.acquire(1_000_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    hold();
  });

  it('claims each index once', () => {
    const control = createControl();
    const got = Array.from({ length: 5 }, () => claimNext(control));
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });
});
