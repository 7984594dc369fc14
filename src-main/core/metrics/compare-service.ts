// The studio's side of the compare service: one long-lived worker (tasks/compare-service-task.ts)
// that keeps the loaded model, the originals and the classical encodings between comparisons, so
// changing the quality in the Compare view does not start a thread, load tfjs and the model and
// re-run every size search each time. Started on the first comparison, stopped after some idle
// minutes (its memory goes with it) or when the studio closes; a crashed worker fails the
// comparisons it held and the next one starts a fresh worker.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fromWireError, StudioError } from '../contract/errors.js';
import type { EqualSizeComparison } from '../contract/eval.js';
import type { CoreContext } from '../context.js';
import { startWorkerTask, type WorkerHandle } from '../workers/host.js';
import { compareServiceTask } from './tasks/index.js';
import type { CompareServiceReply, CompareServiceRequest } from './compare-service-protocol.js';
import type { CompareStep, EqualSizeInput } from './equal-size.js';

/** A worker idle this long is stopped (a later comparison starts a new one). */
export const COMPARE_IDLE_MS = 5 * 60_000;

interface Pending {
  resolve: (r: EqualSizeComparison) => void;
  reject: (e: Error) => void;
  onStep: (s: CompareStep) => void;
}

interface Running {
  handle: WorkerHandle<{ served: number }>;
  port: MessagePort;
}

export class CompareService {
  private running: Running | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;
  private closed = false;
  /** Workers started so far (tests check that comparisons share one). */
  started = 0;

  constructor(private readonly idleMs = COMPARE_IDLE_MS) {}

  compare(input: EqualSizeInput, onStep: (s: CompareStep) => void = () => {}): Promise<EqualSizeComparison> {
    if (this.closed) return Promise.reject(new StudioError('internal', 'studio is closed'));
    const run = this.ensure();
    this.clearIdle();
    const id = this.nextId++;
    return new Promise<EqualSizeComparison>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onStep });
      run.port.postMessage({ id, input } satisfies CompareServiceRequest);
    });
  }

  private ensure(): Running {
    if (this.running) return this.running;
    const { port1, port2 } = new MessageChannel();
    const handle = startWorkerTask(compareServiceTask, { port: port2 }, { transfer: [port2] });
    const run: Running = { handle, port: port1 };
    this.running = run;
    this.started++;
    port1.on('message', (m: CompareServiceReply) => this.onReply(m));
    port1.unref();
    const ended = (why: Error) => {
      if (this.running === run) this.running = null;
      port1.close();
      this.failAll(why);
    };
    handle.result.then(
      () => ended(new StudioError('cancelled', 'the comparison was stopped')),
      (e: unknown) => ended(e instanceof Error ? e : new Error(String(e))),
    );
    return run;
  }

  private onReply(m: CompareServiceReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'step') {
      p.onStep(m.step);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'done') p.resolve(m.result);
    else p.reject(fromWireError(m.error));
    if (this.pending.size === 0) this.armIdle();
  }

  private failAll(why: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(why);
  }

  private armIdle(): void {
    this.clearIdle();
    this.idle = setTimeout(() => void this.stop(), this.idleMs);
    this.idle.unref();
  }

  private clearIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }

  /** Stops the worker (what it cached goes); the next comparison starts another. */
  async stop(): Promise<void> {
    this.clearIdle();
    const run = this.running;
    if (!run) return;
    this.running = null;
    run.handle.cancel();
    await run.handle.exited;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }
}

export function compareService(ctx: CoreContext): CompareService {
  return ctx.resource(
    'eval.compare-service',
    () => new CompareService(),
    (s) => s.close(),
  );
}
