// Frees the big pixel arrays of the image just coded before the next one is decoded. A worker
// makes a few hundred megabytes of short-lived Float32Arrays per photo (the float copy of the
// image, its padded copy); V8 collects them only when it feels pressure, so two or three photos'
// worth can pile up per worker. A full collection after each large image keeps a worker at about
// one image of memory, which is what makes the pool's peak predictable. The collector is reached
// through V8's --expose-gc flag set at run time (a fresh context then has `gc`); where that is
// not possible this does nothing and V8 collects on its own.
import v8 from 'node:v8';
import vm from 'node:vm';

let collector: (() => void) | undefined | null = null;

function find(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

export function collectGarbage(): void {
  if (collector === null) collector = find();
  collector?.();
}
