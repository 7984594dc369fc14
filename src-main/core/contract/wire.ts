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

/**
 * The browser studio's file upload (it cannot see a dropped file's path): POST
 * {UPLOAD_PATH}?batch=ID&name=relative/path with the raw bytes as body and the token header; the
 * answer is an Envelope<UploadResult>. The server writes the file under <home>/uploads/<batch>/.
 */
export const UPLOAD_PATH = '/upload';

export interface UploadQuery {
  /** Files of one drop share a batch folder ([A-Za-z0-9_-]; other characters are dropped; absent: a new one). */
  batch?: string;
  /** The file's path relative to what was dropped, top folder included ("shoot/day1/a.jpg"). */
  name: string;
}

export interface UploadResult {
  /** Absolute path of the stored file, for the contract's requests. */
  path: string;
  batch: string;
  /** The batch's folder, <home>/uploads/<batch>. */
  folder: string;
}

/** The URL of one upload. */
export function uploadUrl(query: UploadQuery): string {
  const params = new URLSearchParams({ ...(query.batch !== undefined ? { batch: query.batch } : {}), name: query.name });
  return `${UPLOAD_PATH}?${params.toString()}`;
}

/** The query of an upload request as the server reads it (absent name: empty, refused by the server). */
export function uploadQueryOf(url: URL): UploadQuery {
  const batch = url.searchParams.get('batch');
  return { ...(batch !== null ? { batch } : {}), name: url.searchParams.get('name') ?? '' };
}
