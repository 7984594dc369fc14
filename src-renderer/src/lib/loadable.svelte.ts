// One list or record fetched from the core, with its loading and error states, reloadable.
import { errorMessage } from './format';

export class Loadable<T> {
  value = $state.raw<T | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private seq = 0;

  private readonly fetcher: () => Promise<T>;

  constructor(fetcher: () => Promise<T>) {
    this.fetcher = fetcher;
  }

  async load(): Promise<void> {
    const my = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const v = await this.fetcher();
      if (my !== this.seq) return;
      this.value = v;
    } catch (e) {
      if (my !== this.seq) return;
      this.error = errorMessage(e);
    } finally {
      if (my === this.seq) this.loading = false;
    }
  }
}
