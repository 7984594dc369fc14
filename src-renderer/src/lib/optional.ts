// While other parts of the core are still being built, a view can ask whether a contract method
// exists in this build and show "not available yet" instead of failing. Typed calls replace
// these as the methods land.
import { studio } from './studio';

export function hasMethod(name: string): boolean {
  return typeof (studio as unknown as Record<string, unknown>)[name] === 'function';
}

export class MissingMethodError extends Error {
  constructor(readonly method: string) {
    super(`this studio build has no '${method}' yet`);
    this.name = 'MissingMethodError';
  }
}

export async function callOptional<T>(name: string, request: Record<string, unknown>): Promise<T> {
  const fn = (studio as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new MissingMethodError(name);
  return (await (fn as (r: unknown) => Promise<unknown>)(request)) as T;
}
