// One list or record fetched from the core, with its loading and error states, reloadable.
import { errorMessage } from './format';
import { MissingMethodError } from './optional';

export class Loadable<T> {
  value = $state.raw<T | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** The method is not in this studio build (yet). */
  missing = $state(false);
  private seq = 0;

  constructor(private readonly fetcher: () => Promise<T>) {}

  async load(): Promise<void> {
    const my = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const v = await this.fetcher();
      if (my !== this.seq) return;
      this.value = v;
      this.missing = false;
    } catch (e) {
      if (my !== this.seq) return;
      if (e instanceof MissingMethodError) this.missing = true;
      else this.error = errorMessage(e);
    } finally {
      if (my === this.seq) this.loading = false;
    }
  }
}
