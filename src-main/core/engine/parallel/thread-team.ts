// Worker threads driven through shared memory by one coordinator (the training replicas, the tile
// workers): each member has a control block whose doorbell the coordinator rings with a command
// and whose acknowledgement the member raises when done. The team starts the members, turns the
// first that fails (or stops while not closing) into the error every later wait throws, and
// stops them all on close, cancelling one that does not stop in time.
import type { WorkerHandle } from '../../workers/host.js';
import { ring, waitFor } from './doorbell.js';

/** Int32 fields every member's control block starts with (the rest are the command's own). */
export const DOORBELL = {
  /** Command sequence number, raised by the coordinator (the member waits on it). */
  cmd: 0,
  /** Last command the member finished (the coordinator waits on it); READY once its model is built. */
  ack: 1,
  op: 2,
} as const;

/** The sequence number a member acknowledges once it has built its model. */
export const READY = 1;

/** How long close() waits for a member to finish its command and stop before cancelling it. */
const STOP_WAIT_MS = 10_000;

export interface ThreadTeamOptions<R> {
  /** How an error names a member: `${what} ${i + 1} failed: ...`. */
  what: string;
  count: number;
  start(i: number): WorkerHandle<R>;
  /** Member i's control block: the Int32 array and the index its fields start at. */
  control(i: number): { ctl: Int32Array; base: number };
}

export class ThreadTeam<R> {
  readonly exited: Promise<void>;
  private readonly handles: WorkerHandle<R>[];
  private readonly seq: number[];
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly o: ThreadTeamOptions<R>) {
    this.seq = Array.from({ length: o.count }, () => READY);
    this.handles = Array.from({ length: o.count }, (_, i) => o.start(i));
    this.handles.forEach((h, i) =>
      h.result.then(
        () => {
          if (!this.closing) this.failure ??= new Error(`${o.what} ${i + 1} stopped unexpectedly`);
        },
        (err: unknown) => {
          this.failure ??= new Error(`${o.what} ${i + 1} failed: ${(err as Error).message}`);
        },
      ),
    );
    this.exited = Promise.all(this.handles.map((h) => h.exited)).then(() => undefined);
  }

  get size(): number {
    return this.handles.length;
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /** Throws the first member's failure, if any (waits run it between polls). */
  readonly check = (): void => {
    if (this.failure) throw this.failure;
  };

  /** Waits until member i has finished its last command. */
  idle(i: number): Promise<void> {
    const { ctl, base } = this.o.control(i);
    return waitFor(ctl, base + DOORBELL.ack, this.seq[i]!, this.check);
  }

  /** Once member i is idle: stores the command's fields (index in its block, value) and rings it. */
  async send(i: number, op: number, fields: ReadonlyArray<readonly [number, number]> = []): Promise<void> {
    await this.idle(i);
    const { ctl, base } = this.o.control(i);
    for (const [k, v] of fields) Atomics.store(ctl, base + k, v);
    Atomics.store(ctl, base + DOORBELL.op, op);
    // Everything written before this store (the member's inputs, the fields) is visible to the member that reads it.
    ring(ctl, base + DOORBELL.cmd, ++this.seq[i]!);
  }

  /** Sends every member `stopOp` and waits for its thread to exit; never throws. */
  close(stopOp: number): Promise<void> {
    this.closing ??= (async () => {
      const timeout = (p: Promise<void>) =>
        Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), STOP_WAIT_MS).unref())]);
      await Promise.all(
        this.handles.map(async (h, i) => {
          const stopped = this.failure ? false : await timeout(this.send(i, stopOp)).catch(() => false);
          if (!stopped) h.cancel();
          await h.result.catch(() => undefined);
        }),
      );
      await this.exited;
    })();
    return this.closing;
  }
}
