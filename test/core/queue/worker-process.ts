// `latent-studio worker` as a separate process, the way a user starts one, with its stderr kept.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/latent-studio.js');

export class WorkerProcess {
  stderr = '';
  private constructor(readonly proc: ChildProcess) {}

  get pid(): number {
    return this.proc.pid!;
  }

  static async start(url: string, home: string, roots: string[], stallSeconds = 2): Promise<WorkerProcess> {
    const args = [BIN, '--home', home, 'worker', '--queue', url, '--concurrency', '1', '--stall-seconds', String(stallSeconds)];
    for (const r of roots) args.push('--root', r);
    const w = new WorkerProcess(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    await new Promise<void>((resolve, reject) => {
      w.proc.stderr!.on('data', (b: Buffer) => {
        w.stderr += b.toString();
        if (w.stderr.includes('taking jobs from')) resolve();
      });
      w.proc.once('exit', (code) => reject(new Error(`worker exited (${code}): ${w.stderr}`)));
    });
    return w;
  }

  /** Finishes the files in progress and exits (SIGTERM), or dies at once (SIGKILL). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill(signal);
    await exited;
  }
}
