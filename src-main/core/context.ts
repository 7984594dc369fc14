// What every contract handler receives: the studio home, a typed event emitter, lazily created
// shared resources (catalog connection, loaded models) and services only a host can provide.
import type { EventName, StudioEvents } from './api.js';
import type { PickedPaths } from './contract/app.js';
import type { MethodMap, ParsedRequestOf, ResponseOf } from './contract/define.js';
import type { StudioHome } from './system/home.js';

export type HostKind = 'electron' | 'server' | 'cli' | 'test';

/** Things only the front door can do (a native dialog). Absent ones fall back or refuse. */
export interface HostServices {
  pickPaths?: (kind: 'files' | 'folder', title?: string) => Promise<PickedPaths>;
}

export interface CoreContext {
  readonly home: StudioHome;
  readonly host: HostKind;
  readonly hostServices: HostServices;
  emit<E extends EventName>(name: E, payload: StudioEvents[E]): void;
  /** A per-studio singleton, created on first use and disposed when the studio closes. */
  resource<T>(key: string, create: () => T, dispose?: (value: T) => void | Promise<void>): T;
}

/** Implementation of a contract fragment: requests arrive already validated by its schema. */
export type Handlers<M extends MethodMap> = {
  [K in keyof M]: (request: ParsedRequestOf<M[K]>, ctx: CoreContext) => Promise<ResponseOf<M[K]>>;
};
