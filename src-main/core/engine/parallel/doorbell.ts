// Waiting on a shared Int32 without blocking the event loop (Atomics.waitAsync): the coordinator
// must keep receiving pause and cancel messages while replicas compute, and an idle replica must
// still see its own cancellation. Waits time out now and then to run a check (a failed replica,
// an abort), so nothing waits forever on a thread that is gone.

type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

// ES2024 (Node >= 16); the project's lib is ES2023, so the signature is declared here.
const atomics = Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
};

/** How often a wait wakes to run its check. */
const POLL_MS = 250;

/** Stores a value and wakes whoever waits on that field. */
export function ring(ctl: Int32Array, index: number, value: number): void {
  Atomics.store(ctl, index, value);
  Atomics.notify(ctl, index);
}

/** Waits until ctl[index] differs from `value` and returns the new value; `check` may throw to stop waiting. */
export async function waitChange(ctl: Int32Array, index: number, value: number, check: () => void): Promise<number> {
  for (;;) {
    const now = Atomics.load(ctl, index);
    if (now !== value) return now;
    check();
    const r = atomics.waitAsync(ctl, index, value, POLL_MS);
    if (r.async) await r.value;
  }
}

/** Waits until ctl[index] equals `target`. */
export async function waitFor(ctl: Int32Array, index: number, target: number, check: () => void): Promise<void> {
  for (;;) {
    const now = Atomics.load(ctl, index);
    if (now === target) return;
    await waitChange(ctl, index, now, check);
  }
}
