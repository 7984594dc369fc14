// A pool of long-lived worker threads for one batch run. Each worker loads its own model once and
// claims items from a shared counter until none are left, so the files stream through: no
// worker holds more than the one image it is coding. A worker that dies mid-file has that file
// reported as failed and is replaced; pause, resume and cancel reach every worker.
import { StudioError } from '../contract/errors.js';
import { startWorkerTask, type WorkerHandle } from '../workers/host.js';
import { batchWorkerTask } from './tasks.js';
import { createControl, NEXT_ITEM } from './pixel-budget.js';
import type { ItemOutcome } from './process-item.js';
import type { BatchWorkerInput, BatchWorkerMessage } from './worker-task.js';

export interface PoolOptions {
  workers: number;
  input: Omit<BatchWorkerInput, 'worker' | 'control'>;
  onItem(index: number, result: ItemOutcome): void;
  onBegin?(index: number): void;
  /** More transform tiles of the item in progress are done (an image of several tiles). */
  onTiles?(index: number, done: number, total: number): void;
  /** Replacements for workers that crash, in all (default 3). */
  maxRestarts?: number;
}

interface Member {
  handle: WorkerHandle<{ processed: number }>;
  current: number | undefined;
  ready: boolean;
}

export class BatchPool {
  private readonly control = createControl();
  private readonly members = new Set<Member>();
  private paused = false;
  /** Also set by terminate: a worker that ends then is neither reported nor replaced. */
  private cancelled = false;
  private restarts = 0;
  private nextWorker = 0;

  constructor(private readonly options: PoolOptions) {}

  get size(): number {
    return this.members.size;
  }

  /**
   * Runs until every item is processed (or the pool is cancelled). Rejects only when the work
   * cannot start at all, such as a model that does not load.
   */
  async run(): Promise<'finished' | 'cancelled'> {
    const { items } = this.options.input;
    if (items.length === 0) return 'finished';
    const wanted = Math.max(1, Math.min(this.options.workers, items.length));
    // The first worker starts alone: it may calibrate the model and cache that for the others.
    // Its failure before it is ready (a model that does not load) is the run's failure.
    const first = this.spawn();
    const running = [this.watch(first)];
    const state = await Promise.race([first.ready.then(() => 'ready' as const), running[0]!.then(() => 'ended' as const)]);
    if (state === 'ready' && !this.cancelled) for (let k = 1; k < wanted; k++) running.push(this.watch(this.spawn()));
    await Promise.all(running);
    return this.cancelled ? 'cancelled' : 'finished';
  }

  /** Resolves once every worker has stopped at its checkpoint (or ended). */
  async pause(): Promise<void> {
    this.paused = true;
    await Promise.all([...this.members].map((m) => m.handle.pause()));
  }

  async resume(): Promise<void> {
    this.paused = false;
    await Promise.all([...this.members].map((m) => m.handle.resume()));
  }

  cancel(): void {
    this.cancelled = true;
    for (const m of this.members) m.handle.cancel();
  }

  /** Ends every worker at once, as a crash would (the files in progress are left as they are). */
  async terminate(): Promise<void> {
    this.cancelled = true;
    await Promise.all([...this.members].map((m) => m.handle.terminate()));
  }

  private remaining(): boolean {
    return Atomics.load(new Int32Array(this.control), NEXT_ITEM) < this.options.input.items.length;
  }

  private spawn(): { member: Member; ready: Promise<void> } {
    let markReady = () => {};
    const ready = new Promise<void>((r) => (markReady = r));
    const member: Member = { handle: undefined as unknown as Member['handle'], current: undefined, ready: false };
    member.handle = startWorkerTask(
      batchWorkerTask,
      { ...this.options.input, worker: this.nextWorker++, control: this.control },
      {
        onProgress: (msg: BatchWorkerMessage) => {
          if (msg.type === 'ready') {
            member.ready = true;
            markReady();
          } else if (msg.type === 'begin') {
            member.current = msg.index;
            this.options.onBegin?.(msg.index);
          } else if (msg.type === 'tiles') {
            this.options.onTiles?.(msg.index, msg.done, msg.total);
          } else {
            member.current = undefined;
            this.options.onItem(msg.index, msg.result);
          }
        },
      },
    );
    if (this.paused) void member.handle.pause();
    this.members.add(member);
    return { member, ready };
  }

  /** Resolves when the worker (and any replacement of it) has ended. */
  private async watch(spawned: { member: Member; ready: Promise<void> }): Promise<void> {
    const { member } = spawned;
    try {
      await member.handle.result;
    } catch (err) {
      if (isCancelled(err) || this.cancelled) return;
      const why = err instanceof Error ? err.message : String(err);
      if (member.current !== undefined) {
        const item = this.options.input.items[member.current]!;
        this.options.onItem(member.current, {
          outcome: 'failed',
          error: `${item.input}: the worker coding it stopped (${why})`,
        });
      }
      if (!member.ready) throw err instanceof StudioError ? err : new StudioError('internal', why);
      if (this.remaining() && this.restarts < (this.options.maxRestarts ?? 3)) {
        this.restarts++;
        this.members.delete(member);
        return this.watch(this.spawn());
      }
    } finally {
      this.members.delete(member);
    }
  }
}

function isCancelled(err: unknown): boolean {
  return err instanceof StudioError && err.code === 'cancelled';
}
