// Temporary names of files and folders being written, beside their target:
// `.<name>.<pid>-<start>-<6 hex>.part` (pid and process start time in base 36, see
// catalog/process-alive.ts). The name says which process writes it, so a clean-up removes only
// temporaries whose writer is dead, never the live ones of another run on the same folder or home.
// Names from before (`.<name>.<12 hex>.part`) carry no writer; they are read as legacy.
import { randomBytes } from 'node:crypto';
import { isOwnerAlive, selfOwner, type ProcessOwner } from './process-alive.js';

const OWNED = /^\.(.+)\.([0-9a-z]+)-([0-9a-z]*)-[0-9a-f]{6}\.part$/;
const LEGACY = /^\.(.+)\.[0-9a-f]{12}\.part$/;

/** A fresh temporary name for `base` (a file or folder name), owned by this process. */
export function partName(base: string): string {
  const { pid, start } = selfOwner();
  return `.${base}.${pid.toString(36)}-${start ?? ''}-${randomBytes(3).toString('hex')}.part`;
}

export interface ParsedPart {
  /** The name of the target it stands for. */
  base: string;
  /** Its writer; absent in a legacy name. */
  owner?: ProcessOwner;
}

export function parsePartName(name: string): ParsedPart | undefined {
  const m = OWNED.exec(name);
  if (m) return { base: m[1]!, owner: { pid: parseInt(m[2]!, 36), start: m[3] === '' ? null : m[3]! } };
  const legacy = LEGACY.exec(name);
  return legacy ? { base: legacy[1]! } : undefined;
}

/**
 * Liveness of writers, asked once per process during one clean-up (a folder can hold thousands
 * of temporaries of the same dead run).
 */
export function writerLiveness(): (part: ParsedPart) => boolean | undefined {
  const seen = new Map<string, boolean>();
  return (part) => {
    if (!part.owner) return undefined;
    const key = `${part.owner.pid}-${part.owner.start ?? ''}`;
    let alive = seen.get(key);
    if (alive === undefined) seen.set(key, (alive = isOwnerAlive(part.owner)));
    return alive;
  };
}
