// How contract calls and events travel over IPC and HTTP: one envelope shape for both.
// Browser-safe.
import type { WireError } from './errors.js';

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: WireError };

/** IPC channel for a method (ipcMain.handle / ipcRenderer.invoke). */
export const ipcChannel = (method: string): string => `studio:${method}`;
/** IPC channel carrying every event as { name, payload }. */
export const IPC_EVENT_CHANNEL = 'studio:event';

export interface WireEvent {
  name: string;
  payload: unknown;
}

/** HTTP: POST {API_PREFIX}{method} with a JSON body; events as SSE on {API_PREFIX}events. */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
export const TOKEN_HEADER = 'x-studio-token';
/** The page learns its token from this meta tag (no inline script under the CSP). */
export const TOKEN_META = 'studio-token';
