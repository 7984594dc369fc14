// `serve`: the browser studio on the same core, bound to loopback with a per-launch token.
import { restoreQueuedJobs } from '../../core/jobs/kinds.js';
import { Studio } from '../../core/studio.js';
import { startServer } from '../../server/server.js';
import { intFlag, stringFlag, UsageError, type CliCommand } from '../command.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'browser studio on the same core (127.0.0.1 only, per-launch token)',
  usage: 'serve [--host 127.0.0.1] [--port N] [--no-open]',
  options: { host: { type: 'string' }, port: { type: 'string' } },
  positionals: false,
  async run({ values }, env) {
    const host = stringFlag(values, 'host') ?? '127.0.0.1';
    if (!isLoopback(host)) throw new UsageError(`--host ${host}: the studio serves on loopback only (127.0.0.1, ::1 or localhost)`);
    const port = intFlag(values, 'port', 0, 65535) ?? 0;
    const studio = new Studio({ homeDir: env.homeDir, host: 'server' });
    // Jobs a previous run left queued start now; interrupted ones wait in the job list for resumeJob.
    restoreQueuedJobs(studio.context);
    const server = await startServer({ studio, host, port });
    env.stderr.write(`Latent Studio is serving at ${server.url}\n`);
    if (env.json) process.stdout.write(JSON.stringify({ url: server.url, port: server.port }) + '\n');
    else process.stdout.write(`${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await studio.close();
    // The URL was already printed; nothing more for stdout.
    return { json: undefined, text: '' };
  },
};

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}
