// Files dropped anywhere on the window land here; the Import view (or the Batch view, when it is
// showing) takes them. Kept outside the views so a drop on any view reaches the right one.
import type { Dropped } from './dropped';
import { router } from './router.svelte';

class DropInbox {
  /** The latest drop not yet taken by a view. */
  forImport = $state.raw<Dropped | null>(null);
  forBatch = $state.raw<Dropped | null>(null);
  /** Set while a drop's folders are being walked. */
  reading = $state(false);

  receive(dropped: Dropped): void {
    if (router.view === 'batch') this.forBatch = dropped;
    else {
      this.forImport = dropped;
      if (router.view !== 'import') router.go('import');
    }
  }

  takeImport(): Dropped | null {
    const d = this.forImport;
    this.forImport = null;
    return d;
  }

  takeBatch(): Dropped | null {
    const d = this.forBatch;
    this.forBatch = null;
    return d;
  }
}

export const drops = new DropInbox();
