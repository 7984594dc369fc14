// Whether the process that owns a job (or wrote a temporary file) still runs. A bare kill(pid, 0)
// is not enough: it is true for a zombie (exited, not yet reaped by its parent) and for an
// unrelated process that was given the same pid later. So an owner is a pid plus the start time
// of that process, and it is alive only while a process with that pid exists, is not a zombie,
// and started at that time. Where the start time comes from:
//   Linux: /proc/<pid>/stat (state, field 3; start in clock ticks since boot, field 22);
//   macOS and the BSDs: `ps -o stat=,lstart= -p <pid>` (state; start to the second);
//   elsewhere (Windows): none. kill(pid, 0) alone decides there (Windows keeps no zombies; a
//   reused pid reads as alive until that process ends). An owner recorded without a start time
//   (rows written before catalog migration 7) is judged the same way, zombies excepted.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessOwner {
  pid: number;
  /** Compact start time of the process (base 36), null where the platform gives none. */
  start: string | null;
}

export type Probe = { state: 'gone' | 'zombie' } | { state: 'running'; start: string | null };

function killProbe(pid: number): Probe {
  try {
    process.kill(pid, 0);
    return { state: 'running', start: null };
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? { state: 'running', start: null } : { state: 'gone' };
  }
}

function linuxProbe(pid: number): Probe {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Gone, or hidden (/proc mounted with hidepid): kill tells which.
    return killProbe(pid);
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': fields 3.. follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0] ?? '';
  if (state === 'Z' || state === 'X' || state === 'x') return { state: 'zombie' };
  const ticks = Number(fields[19]);
  return { state: 'running', start: Number.isSafeInteger(ticks) ? ticks.toString(36) : null };
}

/** The macOS and BSD probe (exported so Linux tests run it too: procps' ps takes the same options). */
export function psProbe(pid: number): Probe {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
      // The date in the C locale, which Date.parse reads.
      env: { ...process.env, LC_ALL: 'C' },
    }).trim();
  } catch (err) {
    // ps exits 1 when no such process; a missing ps falls back to kill.
    return (err as { status?: number }).status === 1 ? { state: 'gone' } : killProbe(pid);
  }
  if (out === '') return { state: 'gone' };
  const [stat = '', ...rest] = out.split(/\s+/);
  if (stat.startsWith('Z')) return { state: 'zombie' };
  const ms = Date.parse(rest.join(' '));
  return { state: 'running', start: Number.isFinite(ms) ? Math.round(ms / 1000).toString(36) : null };
}

const probe: (pid: number) => Probe =
  process.platform === 'linux' ? linuxProbe : ['darwin', 'freebsd', 'openbsd', 'netbsd'].includes(process.platform) ? psProbe : killProbe;

let self: ProcessOwner | undefined;

/** This process as an owner (what a claimed job and a temporary file name record). */
export function selfOwner(): ProcessOwner {
  if (!self) {
    const p = probe(process.pid);
    self = { pid: process.pid, start: p.state === 'running' ? p.start : null };
  }
  return self;
}

/** The owner a live process id names now (with its start time), undefined when none runs. */
export function liveOwner(pid: number): ProcessOwner | undefined {
  const p = probe(pid);
  return p.state === 'running' ? { pid, start: p.start } : undefined;
}

export function isOwnerAlive(owner: ProcessOwner): boolean {
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return false;
  const p = probe(owner.pid);
  if (p.state !== 'running') return false;
  // A different start time is another process that got the same pid.
  return owner.start === null || p.start === null || p.start === owner.start;
}

/** The owner a catalog row records (pid and, since migration 7, its start time), if any. */
export function ownerOf(row: { pid: number | null; pidStart?: string | null }): ProcessOwner | null {
  return row.pid === null ? null : { pid: row.pid, start: row.pidStart ?? null };
}

/** Whether the row's owner runs (false for a row that names none). */
export function isRowOwnerAlive(row: { pid: number | null; pidStart?: string | null }): boolean {
  const owner = ownerOf(row);
  return owner !== null && isOwnerAlive(owner);
}

/** Whether a process id names a live process that is not a zombie (no start time to compare). */
export function isProcessAlive(pid: number): boolean {
  return isOwnerAlive({ pid, start: null });
}
