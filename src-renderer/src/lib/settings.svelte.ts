// The studio's settings (queue, training host) as the core shows them: secrets masked. Saving
// sends only what changed; the core keeps the rest.
import type { StudioSettings } from '../../../src-main/core/api';
import { errorMessage } from './format';
import { Loadable } from './loadable.svelte';
import { studio } from './studio';

type Update = Parameters<typeof studio.updateSettings>[0];

class SettingsState {
  readonly current = new Loadable<StudioSettings>(() => studio.getSettings({}));
  saving = $state(false);
  saveError = $state<string | null>(null);
  private loaded = false;

  ensure(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.current.load();
  }

  /** True when saved; the error stays in saveError otherwise. */
  async save(update: Update): Promise<boolean> {
    this.saving = true;
    this.saveError = null;
    try {
      this.current.value = await studio.updateSettings(update);
      return true;
    } catch (e) {
      this.saveError = errorMessage(e);
      return false;
    } finally {
      this.saving = false;
    }
  }
}

export const settings = new SettingsState();
