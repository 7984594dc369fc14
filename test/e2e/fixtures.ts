// Starts the real browser studio (`latent-studio serve`, the same CLI a user runs) on a fresh
// home for each test file, and hands tests its URL and token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

export interface StudioServer {
  url: string;
  home: string;
  /** The per-launch token, read from the page's meta tag. */
  token(): Promise<string>;
}

const root = path.resolve(import.meta.dirname, '../..');

export async function startStudioServer(home: string, env: NodeJS.ProcessEnv = {}): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [path.join(root, 'bin/latent-studio.js'), '--home', home, 'serve', '--port', '0'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL within 30 s: ${stderr}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { url, proc };
}

export const test = base.extend<{ studioServer: StudioServer }>({
  studioServer: async ({ request }, use) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-'));
    const { url, proc } = await startStudioServer(home);
    const token = async () => {
      const html = await (await request.get(url)).text();
      const m = /name="studio-token" content="([^"]+)"/.exec(html);
      if (!m) throw new Error('no studio-token meta tag in the page');
      return m[1]!;
    };
    await use({ url, home, token });
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
