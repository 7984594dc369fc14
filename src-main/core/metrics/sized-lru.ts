// A least-recently-used map bounded by the total size of its values (bytes, as the caller counts
// them) and by a count; what falls out is handed to `evict` (to dispose of a model, say).
export class SizedLru<K, V> {
  private readonly map = new Map<K, { value: V; size: number }>();
  private total = 0;

  constructor(
    private readonly maxSize: number,
    private readonly maxCount: number,
    private readonly evict: (value: V) => void = () => {},
  ) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: K, value: V, size: number): void {
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.total -= old.size;
      if (old.value !== value) this.evict(old.value);
    }
    this.map.set(key, { value, size });
    this.total += size;
    // The newest entry stays even when it alone is over the bound: it is the one in use.
    for (const [k, e] of this.map) {
      if ((this.total <= this.maxSize && this.map.size <= this.maxCount) || k === key) break;
      this.map.delete(k);
      this.total -= e.size;
      this.evict(e.value);
    }
  }

  /** Grows the recorded size of an entry (values that fill up as they are used). */
  grow(key: K, by: number): void {
    const e = this.map.get(key);
    if (!e) return;
    e.size += by;
    this.total += by;
  }

  get size(): number {
    return this.total;
  }

  get count(): number {
    return this.map.size;
  }

  clear(): void {
    for (const e of this.map.values()) this.evict(e.value);
    this.map.clear();
    this.total = 0;
  }
}
