// latent-studio [--home DIR] [--json] <command> ...  (the contract in DESIGN.md section 5)
// main(argv) is callable from tests; the bin script maps its result to the exit status.
import { parseArgs } from 'node:util';
import { toWireError } from '../core/contract/errors.js';
import { resolveHomeDir } from '../core/system/home.js';
import { Studio } from '../core/studio.js';
import { APP_VERSION } from '../core/version.js';
import { UsageError, type CliCommand, type CliEnv } from './command.js';
import { commands } from './commands/index.js';
import { createProgressBar } from './progress.js';

export interface CliStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_PARTIAL = 2;

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    `latent-studio ${APP_VERSION}: train autoencoders on your images and compress with them`,
    '',
    'usage: latent-studio [--home DIR] [--json] <command> ...',
    '',
    '  --home DIR   catalog, models and caches (default: $LATENT_STUDIO_HOME, else the desktop app data dir)',
    '  --json       exactly one JSON document on stdout; progress and logs on stderr',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `latent-studio <command> --help` for a command's flags.",
    'Exit status: 0 ok; 1 error; 2 a batch finished with some inputs failed.',
  ];
  return lines.join('\n') + '\n';
}

function commandHelp(c: CliCommand): string {
  const flags = c.flagHelp?.length ? `\nflags:\n${c.flagHelp.join('\n')}\n` : '';
  return `usage: latent-studio [--home DIR] [--json] ${c.usage}\n\n${c.summary}\n${flags}`;
}

/** Splits global flags (before the command) from the command and its own arguments. */
function splitGlobal(argv: string[]): { home?: string; json: boolean; help: boolean; version: boolean; rest: string[] } {
  const out = { home: undefined as string | undefined, json: false, help: false, version: false, rest: [] as string[] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--version') out.version = true;
    else if (a === '--home') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError('--home needs a folder');
      out.home = v;
    } else if (a.startsWith('--home=')) out.home = a.slice('--home='.length);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a} (options go after the command; see --help)`);
    else break;
  }
  out.rest = argv.slice(i);
  return out;
}

export async function main(
  argv: string[],
  streams: CliStreams = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let studio: Studio | undefined;
  let json = false;
  try {
    // --json and --home may also follow the command (scripts write them either way).
    const g = splitGlobal(argv);
    json = g.json;
    if (g.version) {
      streams.stdout.write(json ? JSON.stringify({ version: APP_VERSION }) + '\n' : `${APP_VERSION}\n`);
      return EXIT_OK;
    }
    const [name, ...rest] = g.rest;
    if (!name || name === 'help') {
      streams.stdout.write(helpText());
      return name || g.help ? EXIT_OK : EXIT_ERROR;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command '${name}' (see latent-studio --help)`);

    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' }, home: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      streams.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    if (!command.positionals && positionals.length > 0) throw new UsageError(`${name} takes no arguments, got '${positionals[0]}'`);
    json = json || Boolean(values.json);
    const homeDir = resolveHomeDir(typeof values.home === 'string' ? values.home : g.home, streams.env);
    const env: CliEnv = {
      homeDir,
      json,
      stderr: streams.stderr,
      studio: () => (studio ??= new Studio({ homeDir, host: 'cli' })),
      progress: (label) => createProgressBar(streams.stderr, label),
    };
    const result = await command.run({ values: values as Record<string, string | boolean | string[] | undefined>, positionals }, env);
    if (json) {
      if (result.json !== undefined) streams.stdout.write(JSON.stringify(result.json, null, 2) + '\n');
    } else if (result.text !== '') {
      streams.stdout.write(result.text.endsWith('\n') ? result.text : result.text + '\n');
    }
    return result.exitCode ?? EXIT_OK;
  } catch (err) {
    const message = err instanceof UsageError || isParseArgsError(err) ? (err as Error).message : toWireError(err).message;
    streams.stderr.write(`latent-studio: ${message.split('\n')[0]}\n`);
    if (json) streams.stdout.write(JSON.stringify({ error: { message: message.split('\n')[0] } }) + '\n');
    return EXIT_ERROR;
  } finally {
    await studio?.close();
  }
}

function isParseArgsError(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS')
  );
}
