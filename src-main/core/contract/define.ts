// Building blocks for the one typed contract (see ../api.ts). Browser-safe: no Node imports,
// because the renderer and the preload import the contract too.
import type { z } from 'zod';

/** A contract method: a schema for its request (validated at every boundary) and a phantom output type. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  readonly description: string;
  /** Phantom field carrying the response type; never set at runtime. */
  readonly __output?: O;
}

/** An event pushed from core to every front door (IPC, server push channel, CLI progress). */
export interface EventSpec<P = unknown> {
  readonly description: string;
  readonly __payload?: P;
}

/** `method<Response>()(requestSchema, description)`: curried so the request type is inferred. */
export function method<O>() {
  return <I extends z.ZodType>(input: I, description: string): MethodSpec<I, O> => ({ input, description });
}

export function event<P>(description: string): EventSpec<P> {
  return { description };
}

export type MethodMap = Record<string, MethodSpec>;
export type EventMap = Record<string, EventSpec>;

export type RequestOf<S> = S extends MethodSpec<infer I, unknown> ? z.input<I> : never;
export type ParsedRequestOf<S> = S extends MethodSpec<infer I, unknown> ? z.output<I> : never;
export type ResponseOf<S> = S extends MethodSpec<z.ZodType, infer O> ? O : never;
export type PayloadOf<S> = S extends EventSpec<infer P> ? P : never;

/** The client-side view of a method map: one async function per method. */
export type ClientOf<M extends MethodMap> = {
  [K in keyof M]: (request: RequestOf<M[K]>) => Promise<ResponseOf<M[K]>>;
};

/** Payload types by event name. */
export type PayloadsOf<E extends EventMap> = { [K in keyof E]: PayloadOf<E[K]> };
