// One list or record fetched from the core, with its loading and error states, reloadable.
import { errorMessage } from './format';

export class Loadable<T> {
  value = $state.raw<T | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private seq = 0;
  /** Plain, not reactive: listeners are called, never rendered. */
  #listeners: ((value: T) => void)[] = [];

  private readonly fetcher: () => Promise<T>;

  constructor(fetcher: () => Promise<T>) {
    this.fetcher = fetcher;
  }

  /** Calls `listener` with each value loaded from now on (an event, not an effect); returns the unsubscribe. */
  onLoad(listener: (value: T) => void): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => void (this.#listeners = this.#listeners.filter((l) => l !== listener));
  }

  async load(): Promise<void> {
    const my = ++this.seq;
    this.loading = true;
    this.error = null;
    let loaded: { value: T } | null = null;
    try {
      const v = await this.fetcher();
      if (my !== this.seq) return;
      this.value = v;
      loaded = { value: v };
    } catch (e) {
      if (my !== this.seq) return;
      this.error = errorMessage(e);
    } finally {
      if (my === this.seq) this.loading = false;
    }
    // Outside the try: a listener's own failure is not the list's.
    if (loaded) for (const l of this.#listeners) l(loaded.value);
  }
}
