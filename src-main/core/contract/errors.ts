// Errors that cross the contract boundary. Browser-safe.

/** Machine-readable error kinds, so every front door can map them (HTTP status, CLI exit code). */
export type StudioErrorCode = 'bad-request' | 'not-found' | 'conflict' | 'unsupported' | 'cancelled' | 'io' | 'internal';

/**
 * An error meant for the user: `message` is one line that names the file or thing and the
 * problem. Anything else thrown in core is a bug and is reported as 'internal'.
 */
export class StudioError extends Error {
  readonly code: StudioErrorCode;
  constructor(code: StudioErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StudioError';
    this.code = code;
  }
}

/** The wire form of an error (IPC, HTTP, CLI --json). */
export interface WireError {
  code: StudioErrorCode;
  message: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof StudioError) return { code: err.code, message: oneLine(err.message) };
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', message: 'cancelled' };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: oneLine(message) };
}

export function fromWireError(wire: WireError): StudioError {
  return new StudioError(wire.code, wire.message);
}

function oneLine(s: string): string {
  const first = s.split('\n').find((l) => l.trim() !== '') ?? s;
  return first.trim();
}
