// The coding threads of one queue worker process: `size` threads, each coding one file at a time,
// so the main thread stays free for BullMQ's lock renewals while tfjs works. A thread that dies
// fails the file it held (the queue retries it) and is replaced.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ItemOptions, ItemOutcome } from '../batch/process-item.js';
import { createControl } from '../batch/pixel-budget.js';
import { StudioError } from '../contract/errors.js';
import { POOL_PIXEL_BUDGET } from '../contract/limits.js';
import { EXIT_GRACE_MS, FROM_SOURCES, startSourceThread } from '../workers/host.js';
import type { FromThread, ThreadData, ThreadModel, ToThread } from './thread-protocol.js';

const here = fileURLToPath(import.meta.url);

export class ThreadError extends StudioError {
  constructor(
    message: string,
    readonly wrongWeights = false,
  ) {
    super('internal', message);
  }
}

interface Pending {
  resolve(r: { outcome: ItemOutcome; ms: number }): void;
  reject(err: Error): void;
}

interface Member {
  worker: Worker;
  busy: Pending | undefined;
  busyId: number | undefined;
  dead?: boolean;
}

/** The worker command runs from the sources through tsx (bin/latent-studio.js), and so do its threads. */
function startThread(data: ThreadData): Worker {
  if (!FROM_SOURCES) throw new StudioError('unsupported', 'queue workers run from the sources (latent-studio worker)');
  return startSourceThread(path.join(path.dirname(here), 'item-thread.ts'), { workerData: data });
}

export class ThreadPool {
  private readonly data: ThreadData = { control: createControl(), budgetPixels: POOL_PIXEL_BUDGET };
  private readonly members: Member[] = [];
  private readonly waiting: Array<(m: Member) => void> = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {
    for (let k = 0; k < size; k++) this.members.push(this.spawn());
  }

  private spawn(): Member {
    const member: Member = { worker: startThread(this.data), busy: undefined, busyId: undefined };
    member.worker.on('message', (msg: FromThread) => {
      if (msg.id !== member.busyId || !member.busy) return;
      const p = member.busy;
      this.release(member);
      if (msg.type === 'result') p.resolve({ outcome: msg.outcome, ms: msg.ms });
      else p.reject(new ThreadError(msg.message, msg.wrongWeights));
    });
    const died = (why: string) => {
      if (member.dead) return;
      member.dead = true;
      const p = member.busy;
      member.busy = undefined;
      if (p) p.reject(new ThreadError(`the coding thread stopped (${why})`));
      const at = this.members.indexOf(member);
      if (at >= 0 && !this.closed) {
        this.members[at] = this.spawn();
        this.release(this.members[at]!);
      }
    };
    member.worker.on('error', (err) => died(err.message.split('\n')[0]!));
    member.worker.on('exit', (code) => died(`exit code ${code}`));
    return member;
  }

  private release(member: Member): void {
    member.busy = undefined;
    member.busyId = undefined;
    this.waiting.shift()?.(member);
  }

  /** Codes one file on a free thread (or the next one freed). Rejects (ThreadError) when the thread cannot do it. */
  run(job: { input: string; output: string; options: ItemOptions; model: ThreadModel }): Promise<{ outcome: ItemOutcome; ms: number }> {
    if (this.closed) return Promise.reject(new ThreadError('the worker is closing'));
    return new Promise((resolve, reject) => {
      // Taken synchronously, so two files never land on one thread.
      const start = (member: Member) => {
        const id = this.nextId++;
        member.busy = { resolve, reject };
        member.busyId = id;
        const msg: ToThread = { type: 'item', id, ...job };
        member.worker.postMessage(msg);
      };
      const free = this.members.find((m) => !m.busy);
      if (free) start(free);
      else this.waiting.push(start);
    });
  }

  /** Ends every thread: asked to end between two turns of its loop, stopped from outside after EXIT_GRACE_MS (workers/host.ts). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.members.map(async (m) => {
        const exited = new Promise<void>((r) => m.worker.once('exit', () => r()));
        if (m.dead) return;
        m.worker.postMessage({ type: 'close' } satisfies ToThread);
        const hard = setTimeout(() => void m.worker.terminate(), EXIT_GRACE_MS).unref();
        await exited;
        clearTimeout(hard);
      }),
    );
  }
}
