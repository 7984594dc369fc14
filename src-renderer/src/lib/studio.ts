// The renderer's only way to the core: window.studio (Electron preload) or, in the browser
// studio, the same contract over HTTP + Server-Sent Events. Both are built from methodNames.
import { methodNames, type EventName, type StudioClient, type StudioEvents } from '../../../src-main/core/api';
import { fromWireError } from '../../../src-main/core/contract/errors';
import { API_PREFIX, EVENTS_PATH, TOKEN_HEADER, TOKEN_META, type Envelope, type WireEvent } from '../../../src-main/core/contract/wire';

declare global {
  interface Window {
    studio?: StudioClient;
    studioHost?: { pathForFile(file: File): string };
  }
}

function httpClient(token: string): StudioClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const ensureEvents = () => {
    if (source) return;
    source = new EventSource(`${EVENTS_PATH}?token=${encodeURIComponent(token)}`);
    source.onmessage = (msg) => {
      const event = JSON.parse(msg.data as string) as WireEvent;
      for (const l of listeners.get(event.name) ?? []) l(event.payload);
    };
  };
  const client: Record<string, unknown> = {};
  for (const name of methodNames) {
    client[name] = async (request: unknown) => {
      const res = await fetch(`${API_PREFIX}${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(request ?? {}),
      });
      const envelope = (await res.json()) as Envelope<unknown>;
      if (envelope.ok) return envelope.result;
      throw fromWireError(envelope.error);
    };
  }
  client.on = (name: string, listener: (payload: unknown) => void) => {
    ensureEvents();
    const set = listeners.get(name) ?? new Set();
    set.add(listener);
    listeners.set(name, set);
    return () => set.delete(listener);
  };
  return client as StudioClient;
}

function tokenFromPage(): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${TOKEN_META}"]`)?.content ?? null;
}

export const studio: StudioClient = window.studio ?? httpClient(tokenFromPage() ?? '');
export const isElectron = Boolean(window.studio);
export const studioToken = tokenFromPage();

export function onStudioEvent<E extends EventName>(name: E, listener: (payload: StudioEvents[E]) => void): () => void {
  return studio.on(name, listener);
}
