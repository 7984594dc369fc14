// A small seeded PRNG (mulberry32) so shuffles, crops and noise repeat for the same seed.
export function mulberry32(seed: number): () => number {
  return new Mulberry32(seed).next;
}

/** mulberry32 whose position can be read and set, so a training checkpoint can continue the same stream. */
export class Mulberry32 {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** The generator's whole state: a new Mulberry32(state) continues exactly where this one is. */
  get state(): number {
    return this.a;
  }

  readonly next = (): number => {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
