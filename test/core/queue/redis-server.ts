// A real redis-server for the queue tests: a free port on 127.0.0.1, a temp folder, a password,
// no persistence (except the dump a test asks for when it stops the server to start it again).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const haveRedis = existsSync(REDIS_SERVER);
if (!haveRedis) console.warn(`queue tests skipped: ${REDIS_SERVER} is missing (apt-get install redis-server; .ci/run installs it)`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly password: string,
  ) {}

  get url(): string {
    return `redis://:${this.password}@127.0.0.1:${this.port}`;
  }

  static async start(dir: string, password: string): Promise<RedisServer> {
    const r = new RedisServer(await freePort(), dir, password);
    await r.launch();
    return r;
  }

  /** Starts the server (again), loading the dump a save-stop left in its folder. */
  async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    const proc = spawn(REDIS_SERVER, [...args, '--requirepass', this.password], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
    });
  }

  /** Stops the server; with save, its data is dumped first and comes back with launch(). */
  async stop(save = false): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const c = new Redis({ port: this.port, host: '127.0.0.1', password: this.password, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await c.connect();
      await c.call('SHUTDOWN', save ? 'SAVE' : 'NOSAVE').catch(() => {});
    } catch {
      proc.kill('SIGKILL');
    } finally {
      c.disconnect();
    }
    await exited;
  }
}
