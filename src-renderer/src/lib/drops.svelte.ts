// Files dropped anywhere on the window land here; the Import view (or the Batch view, when it is
// showing) takes them. Kept outside the views so a drop on any view reaches the right one.
import type { Dropped } from './dropped';
import { router } from './router.svelte';

type Taker = (dropped: Dropped) => void;

/** A drop waiting for its view, and the view's handler while it shows. */
class Slot {
  #pending: Dropped | null = null;
  #taker: Taker | null = null;

  put(dropped: Dropped): void {
    if (this.#taker) this.#taker(dropped);
    else this.#pending = dropped;
  }

  /** The view hands each drop to `taker` (one waiting first); returns the unsubscribe. */
  take(taker: Taker): () => void {
    this.#taker = taker;
    const d = this.#pending;
    this.#pending = null;
    if (d) taker(d);
    return () => {
      if (this.#taker === taker) this.#taker = null;
    };
  }
}

class DropInbox {
  readonly #import = new Slot();
  readonly #batch = new Slot();
  /** Set while a drop's folders are being walked. */
  reading = $state(false);

  receive(dropped: Dropped): void {
    if (router.view === 'batch') this.#batch.put(dropped);
    else {
      this.#import.put(dropped);
      if (router.view !== 'import') router.go('import');
    }
  }

  /** The Import view takes drops (an event handler, not an effect watching the inbox). */
  takeImports(taker: Taker): () => void {
    return this.#import.take(taker);
  }

  takeBatches(taker: Taker): () => void {
    return this.#batch.take(taker);
  }
}

export const drops = new DropInbox();
