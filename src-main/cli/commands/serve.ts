// `serve`: the browser studio on the same core, bound to loopback. It prints a one-time launch
// link (and opens it, unless --no-open): the browser that opens it gets the studio's session.
// With --token-file it is also a training host for other studios (server/remote.ts), and only
// then may it listen beyond loopback (--host 0.0.0.0); the browser studio stays loopback-only.
import os from 'node:os';
import { restoreQueuedJobs } from '../../core/registry/job-kinds.js';
import { Studio } from '../../core/studio.js';
import { openBrowser } from '../../server/open-browser.js';
import { readHostToken } from '../../server/host-token.js';
import { startServer } from '../../server/server.js';
import { intFlag, stringFlag, UsageError, type CliCommand } from '../command.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'browser studio on the same core (127.0.0.1 only, one-time launch link); with --token-file, a training host for other studios',
  usage: 'serve [--host 127.0.0.1] [--port N] [--no-open] [--token-file FILE]',
  options: { host: { type: 'string' }, port: { type: 'string' }, 'no-open': { type: 'boolean' }, 'token-file': { type: 'string' } },
  positionals: false,
  async run({ values }, env) {
    const host = stringFlag(values, 'host') ?? '127.0.0.1';
    const tokenFile = stringFlag(values, 'token-file');
    if (!isLoopback(host) && tokenFile === undefined)
      throw new UsageError(
        `--host ${host}: the studio serves beyond loopback only as a training host, with --token-file FILE (docs/security.md section 5)`,
      );
    const hostToken = tokenFile === undefined ? undefined : await readHostToken(tokenFile);
    const port = intFlag(values, 'port', 0, 65535) ?? 0;
    const studio = new Studio({ homeDir: env.homeDir, host: 'server' });
    // Jobs a previous run left queued start now; interrupted ones wait in the job list for resumeJob.
    void restoreQueuedJobs(studio.context);
    const server = await startServer({ studio, host, port, ...(hostToken !== undefined ? { hostToken } : {}) });
    if (hostToken !== undefined) {
      // A wildcard bind is reached by the machine's name (or any of its addresses).
      const name = host === '0.0.0.0' || host === '::' ? os.hostname() : host.includes(':') ? `[${host}]` : host;
      env.stderr.write(`Training host: studios that name http://${name}:${server.port} with the token in ${tokenFile} can train here\n`);
    }
    // The address alone only answers "open the launch link": the link is the one URL worth printing.
    env.stderr.write('Latent Studio is running; open it with this one-time link (it works once, in one browser):\n');
    if (env.json) process.stdout.write(JSON.stringify({ url: server.url, launchUrl: server.launchUrl, port: server.port }) + '\n');
    else process.stdout.write(`${server.launchUrl}\n`);
    if (!values['no-open']) {
      const problem = await openBrowser(server.launchUrl);
      if (problem) env.stderr.write(`Did not open a browser (${problem}): open the link above.\n`);
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await studio.close();
    // The link was already printed; nothing more for stdout.
    return { json: undefined, text: '' };
  },
};

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}
