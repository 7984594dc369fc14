// The studio's settings (queue, training host) as the core shows them: secrets masked. Saving
// sends only what changed; the core keeps the rest. Each form keeps its own save error (the queue's
// refusal is not the training host's).
import type { StudioSettings } from '../../../src-main/core/api';
import { errorMessage } from './format';
import { Loadable } from './loadable.svelte';
import { studio } from './studio';

type Update = Parameters<typeof studio.updateSettings>[0];

class SettingsState {
  readonly current = new Loadable<StudioSettings>(() => studio.getSettings({}));
  saving = $state(false);
  private loaded = false;

  ensure(): void {
    if (this.loaded) return;
    this.loaded = true;
    void this.current.load();
  }

  /** Null when saved, else the core's one-line refusal. */
  async save(update: Update): Promise<string | null> {
    this.saving = true;
    try {
      this.current.value = await studio.updateSettings(update);
      return null;
    } catch (e) {
      return errorMessage(e);
    } finally {
      this.saving = false;
    }
  }
}

export const settings = new SettingsState();

/** How the views name a training host: HOST:PORT of its address. */
export function hostLabel(url: string): string {
  return /^https?:\/\/([^/]+)/.exec(url)?.[1] ?? url;
}
