import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { sink } from '../helpers/text-sink.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

async function run(argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdout, stderr, env: { LATENT_STUDIO_HOME: tmp.dir } });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cli', () => {
  it('--help lists every command of the command-line contract', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['import', 'train', 'compress', 'decompress', 'eval', 'models', 'datasets', 'serve']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\s`, 'm'));
    }
  });

  it('unknown commands and bad flags get one line on stderr and exit 1', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("latent-studio: unknown command 'frobnicate' (see latent-studio --help)\n");
    const badFlag = await run(['serve', '--colour']);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr.trim().split('\n')).toHaveLength(1);
    expect(badFlag.stderr).toContain('--colour');
    const badPort = await run(['serve', '--port', 'many']);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toContain('--port must be an integer');
    const remote = await run(['serve', '--host', '0.0.0.0']);
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('loopback only');
  });

  it('--json errors are one JSON document on stdout', async () => {
    const r = await run(['--json', 'frobnicate']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { message: "unknown command 'frobnicate' (see latent-studio --help)" } });
  });

  it('--version prints the package version', async () => {
    const r = await run(['--json', '--version']);
    expect(JSON.parse(r.stdout).version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('cli as a process', () => {
  it('exits 1 with one line and no stack trace through the real bin script', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['bin/latent-studio.js', '--home', tmp.dir, 'serve', '--port', '-3'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
