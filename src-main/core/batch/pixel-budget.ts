// A pool-wide budget of pixels being decoded at once, shared by the worker threads through a
// SharedArrayBuffer. Memory per image is about 30 bytes per pixel while it is coded (8-bit and
// float copies), so bounding the pixels in flight bounds the pool's memory whatever the mix of
// image sizes: small photos run side by side, a very large one waits and then runs alone.

/** Slots of the shared control array. */
export const NEXT_ITEM = 0;
const PIXELS_IN_USE = 1;
export const CONTROL_SLOTS = 2;

/** Pixels are counted in kilopixels so an int32 slot holds any realistic total. */
const UNIT = 1000;

export function createControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
}

export class PixelBudget {
  private readonly slots: Int32Array;
  private readonly capacity: number;

  constructor(
    control: SharedArrayBuffer,
    capacityPixels: number,
    private readonly pollMs = 15,
  ) {
    this.slots = new Int32Array(control);
    this.capacity = Math.max(1, Math.ceil(capacityPixels / UNIT));
  }

  /**
   * Waits until `pixels` fit beside what the other workers hold (an image bigger than the whole
   * budget gets it alone), then holds them until the returned release is called.
   */
  async acquire(pixels: number, signal?: AbortSignal): Promise<() => void> {
    const need = Math.max(1, Math.ceil(pixels / UNIT));
    for (;;) {
      const used = Atomics.load(this.slots, PIXELS_IN_USE);
      if (used === 0 || used + need <= this.capacity) {
        if (Atomics.compareExchange(this.slots, PIXELS_IN_USE, used, used + need) === used) {
          let released = false;
          return () => {
            if (released) return;
            released = true;
            Atomics.sub(this.slots, PIXELS_IN_USE, need);
          };
        }
        continue;
      }
      if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  inUse(): number {
    return Atomics.load(this.slots, PIXELS_IN_USE) * UNIT;
  }
}

/** Claims the next item index (each index goes to exactly one worker). */
export function claimNext(control: SharedArrayBuffer): number {
  return Atomics.add(new Int32Array(control), NEXT_ITEM, 1);
}
