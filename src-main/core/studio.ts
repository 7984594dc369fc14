// The core behind every front door: validates a request against the contract, runs its handler
// and fans events out to subscribers (IPC, server push channel, CLI progress).
import { z } from 'zod';
import { isMethodName, studioMethods, type EventName, type MethodName, type StudioEvents, type StudioMethods } from './api.js';
import { StudioError } from './contract/errors.js';
import type { ResponseOf } from './contract/define.js';
import type { CoreContext, HostKind, HostServices } from './context.js';
import { studioHandlers } from './handlers.js';
import { ensureHome, studioHome, type StudioHome } from './system/home.js';
import { sweepStaleTemporaries } from './system/home-sweep.js';

/** One listener for every event (the IPC and server forwarders pass them on as they are). */
export type AnyEventListener = <E extends EventName>(name: E, payload: StudioEvents[E]) => void;
/** A listener for one event. */
export type EventListener<E extends EventName> = (payload: StudioEvents[E]) => void;

export interface StudioOptions {
  homeDir: string;
  host: HostKind;
  hostServices?: HostServices;
}

export class Studio {
  readonly home: StudioHome;
  /** Half-written temporaries a killed process left in the home, being removed (paths removed). */
  readonly swept: Promise<string[]>;
  private readonly listeners = new Set<AnyEventListener>();
  private readonly resources = new Map<string, { value: unknown; dispose?: (v: unknown) => void | Promise<void> }>();
  private readonly ctx: CoreContext;
  private closed = false;

  constructor(options: StudioOptions) {
    this.home = ensureHome(studioHome(options.homeDir));
    this.swept = sweepStaleTemporaries(this.home);
    this.ctx = {
      home: this.home,
      host: options.host,
      hostServices: options.hostServices ?? {},
      emit: (name, payload) => this.emit(name, payload),
      resource: <T>(key: string, create: () => T, dispose?: (value: T) => void | Promise<void>): T => {
        const found = this.resources.get(key);
        if (found) return found.value as T;
        if (this.closed) throw new StudioError('internal', 'studio is closed');
        const value = create();
        this.resources.set(key, { value, dispose: dispose as ((v: unknown) => void | Promise<void>) | undefined });
        return value;
      },
    };
  }

  get context(): CoreContext {
    return this.ctx;
  }

  /** Validates an untrusted request (from IPC, HTTP or argv) and runs the method. */
  async call<M extends MethodName>(name: M, request: unknown): Promise<ResponseOf<StudioMethods[M]>> {
    if (!isMethodName(name)) throw new StudioError('not-found', `unknown method ${String(name)}`);
    const spec = studioMethods[name];
    const parsed = spec.input.safeParse(request ?? {});
    if (!parsed.success) {
      throw new StudioError('bad-request', `${name}: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}`);
    }
    const handler = studioHandlers[name] as (req: unknown, ctx: CoreContext) => Promise<ResponseOf<StudioMethods[M]>>;
    return handler(parsed.data, this.ctx);
  }

  /** Subscribes to one event (`on('jobProgress', (e) => ...)`), or to every event; returns the unsubscribe. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
  on(listener: AnyEventListener): () => void;
  on<E extends EventName>(eventOrListener: E | AnyEventListener, listener?: EventListener<E>): () => void {
    const l: AnyEventListener =
      typeof eventOrListener === 'function'
        ? eventOrListener
        : (name: EventName, payload: unknown) => {
            // name === event, so payload is StudioEvents[E] (a generic listener cannot narrow it).
            if (name === eventOrListener) listener!(payload as StudioEvents[E]);
          };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit<E extends EventName>(name: E, payload: StudioEvents[E]): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch {
        // a broken subscriber must not stop the others or the job that emitted
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.swept;
    const all = [...this.resources.values()].reverse();
    this.resources.clear();
    for (const r of all) await r.dispose?.(r.value);
    this.listeners.clear();
  }
}
