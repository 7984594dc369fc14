// A stand-in for the main process in the renderer's unit tests: a StudioClient typed from the
// contract that validates each request with the contract's own schema, records it, answers with
// what the test set up, and lets the test push events. The e2e tests use the real studio.
import {
  methodNames,
  studioMethods,
  type EventName,
  type MethodName,
  type StudioClient,
  type StudioEvents,
  type StudioMethods,
} from '../../src-main/core/api';
import type { RequestOf, ResponseOf } from '../../src-main/core/contract/define';

export type Request<M extends MethodName> = RequestOf<StudioMethods[M]>;
export type Response<M extends MethodName> = ResponseOf<StudioMethods[M]>;
type Handler<M extends MethodName> = (request: Request<M>) => Response<M> | Promise<Response<M>>;

export interface Call<M extends MethodName = MethodName> {
  method: M;
  request: Request<M>;
}

/** A promise the test settles when it wants to (a start call that has not answered yet). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class FakeStudio {
  readonly calls: Call[] = [];
  readonly client: StudioClient;
  private readonly handlers = new Map<MethodName, (request: unknown) => unknown>();
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private waiting: { method: MethodName; n: number; resolve: (request: unknown) => void }[] = [];

  constructor() {
    const client: Record<string, unknown> = {};
    for (const name of methodNames) client[name] = (request: unknown) => this.call(name, request);
    client.on = (name: EventName, listener: (payload: unknown) => void) => {
      const set = this.listeners.get(name) ?? new Set();
      set.add(listener);
      this.listeners.set(name, set);
      return () => set.delete(listener);
    };
    this.client = client as StudioClient;
  }

  /** How the fake answers `method` from now on. */
  handle<M extends MethodName>(method: M, handler: Handler<M>): this {
    this.handlers.set(method, handler as (request: unknown) => unknown);
    return this;
  }

  /** Pushes an event to every listener, as the main process does. */
  emit<E extends EventName>(name: E, payload: StudioEvents[E]): void {
    for (const l of [...(this.listeners.get(name) ?? [])]) l(payload);
  }

  /** How many listeners an event has (a session subscribes once, not once per job). */
  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0;
  }

  /** The requests `method` was called with, in order. */
  callsOf<M extends MethodName>(method: M): Request<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request as Request<M>);
  }

  /** Resolves with the request of the `n`th call of `method` (at once when it came already): the call is in flight. */
  called<M extends MethodName>(method: M, n = 1): Promise<Request<M>> {
    const seen = this.callsOf(method);
    if (seen.length >= n) return Promise.resolve(seen[n - 1]!);
    return new Promise((resolve) => this.waiting.push({ method, n, resolve: resolve as (request: unknown) => void }));
  }

  private async call(method: MethodName, request: unknown): Promise<unknown> {
    // The real Studio validates every request with the contract's schema: so does the fake.
    const parsed = studioMethods[method].input.safeParse(request);
    if (!parsed.success) throw new Error(`FakeStudio: ${method} got a request the contract refuses: ${parsed.error.message}`);
    this.calls.push({ method, request: request as Request<MethodName> });
    const count = this.callsOf(method).length;
    const ready = this.waiting.filter((w) => w.method === method && w.n === count);
    this.waiting = this.waiting.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(request);
    const handler = this.handlers.get(method);
    if (!handler) throw new Error(`FakeStudio: no answer set up for ${method}`);
    return handler(request);
  }
}
