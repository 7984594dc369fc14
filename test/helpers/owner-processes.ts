// Real processes for the job-ownership tests: a zombie (a child that exited and that its parent
// never reaps: `sh` backgrounds a short sleep, then becomes `sleep 60`, which never waits), and a
// live process to hold a job or a temporary file. Node reaps its own children, so the zombie has
// to be a grandchild.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { liveOwner, type ProcessOwner } from '../../src-main/core/system/process-alive.js';

function state(pid: number): string | undefined {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    }
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim()[0];
  } catch {
    return undefined;
  }
}

export interface Held {
  pid: number;
  stop(): void;
  /** Stops it and resolves once it has exited (a live one: reaped, its pid then names no process). */
  end(): Promise<void>;
}

function stopper(child: ChildProcess): () => void {
  return () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
}

function ender(child: ChildProcess): () => Promise<void> {
  // Listened for before the kill: 'exit' comes once Node has reaped the child.
  return () => {
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    stopper(child)();
    return exited;
  };
}

/**
 * A zombie process id (exited, not reaped); stop() ends its parent, which lets it be reaped. The
 * background sleep outlives the exec by half a second, so it is `sleep 60`'s child when it exits
 * (had it ended first, the shell might reap it); on a machine so loaded that this still happens,
 * it tries again.
 */
export async function spawnZombie(): Promise<Held> {
  for (let attempt = 0; ; attempt++) {
    const child = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const stop = stopper(child);
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      child.on('error', reject);
    });
    const t0 = Date.now();
    let s = state(pid);
    while (s !== 'Z' && s !== undefined && Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 10));
      s = state(pid);
    }
    if (s === 'Z') return { pid, stop, end: ender(child) };
    stop();
    if (attempt === 2) throw new Error(`process ${pid} did not become a zombie (state ${s ?? 'gone'})`);
  }
}

/** A live process and its owner identity (pid and start time). */
export async function spawnLive(): Promise<Held & { owner: ProcessOwner }> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const owner = liveOwner(child.pid!);
  if (!owner) throw new Error('the helper process is not running');
  return { pid: child.pid!, owner, stop: stopper(child), end: ender(child) };
}

/** A pid that named a process that has ended (and was reaped). */
export async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}
