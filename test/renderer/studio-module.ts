// What the renderer's lib/studio.ts becomes in the renderer unit tests (vitest.config.ts swaps it):
// no window.studio and no HTTP. Sessions under test are built with a FakeStudio's client; this
// module's client refuses every call, so a session left on the module's client fails loudly.
import type { EventName, StudioClient, StudioEvents } from '../../src-main/core/api';
import { FakeStudio } from './fake-studio';

export const studio: StudioClient = new FakeStudio().client;
export const isElectron = false;
export const studioToken: string | null = null;

export function onStudioEvent<E extends EventName>(name: E, listener: (payload: StudioEvents[E]) => void): () => void {
  return studio.on(name, listener);
}
