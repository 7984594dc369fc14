// Starts the real browser studio (`latent-studio serve --no-open`, the same CLI a user runs) on a
// fresh home for each test, and hands tests its one-time launch link (the page opens the studio
// with it, as a user's browser does), its address and a way to get the token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';

export interface StudioServer {
  /** The studio's address: without the launch session it only says "open the launch link". */
  url: string;
  /** One-time link: `page.goto(launchUrl)` (or `${launchUrl}#/route`) opens the studio. */
  launchUrl: string;
  home: string;
  /** The per-launch token, read from the page's meta tag; spends the launch link (in `request`). */
  token(): Promise<string>;
}

const root = path.resolve(import.meta.dirname, '../..');
/** Servers a test has finished with (their exit is expected). */
const stopping = new WeakSet<ChildProcess>();

export async function startStudioServer(
  home: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ url: string; launchUrl: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [path.join(root, 'bin/latent-studio.js'), '--home', home, 'serve', '--port', '0', '--no-open'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its launch link within 30 s: ${stderr}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)\?launch=[\w-]+\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0].trim());
      }
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  // A studio that dies under a test shows up as "Failed to fetch" in the page: say why here.
  proc.once('exit', (code, signal) => {
    if (!stopping.has(proc)) console.error(`latent-studio serve (${home}) exited with ${signal ?? code} during the test:\n${stderr.slice(-4000)}`);
  });
  return { url: launchUrl.slice(0, launchUrl.indexOf('?')), launchUrl, proc };
}

/** Stops a server started by startStudioServer and waits for it to exit. */
export async function stopStudioServer(proc: ChildProcess): Promise<void> {
  stopping.add(proc);
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

export const test = base.extend<{ studioServer: StudioServer }>({
  studioServer: async ({ request }, use) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-'));
    const { url, launchUrl, proc } = await startStudioServer(home);
    const token = async () => {
      // The request context follows the redirect and keeps the session cookie, like a browser.
      const html = await (await request.get(launchUrl)).text();
      const m = /name="studio-token" content="([^"]+)"/.exec(html);
      if (!m) throw new Error('no studio-token meta tag in the page');
      return m[1]!;
    };
    await use({ url, launchUrl, home, token });
    await stopStudioServer(proc);
    rmSync(home, { recursive: true, force: true });
  },
});

/** A call of the studio's contract from the page (as another window of the studio would make it). */
export function callContract<T>(page: Page, method: string, body: unknown): Promise<T> {
  return page.evaluate(
    async ([m, b]) => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="studio-token"]')!.content;
      const res = await fetch(`/api/${m}`, {
        method: 'POST',
        headers: { 'x-studio-token': token, 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
      const j = (await res.json()) as { ok: boolean; result: unknown; error?: { message: string } };
      if (!j.ok) throw new Error(j.error?.message ?? m);
      return j.result;
    },
    [method, body] as const,
  ) as Promise<T>;
}

export { expect } from '@playwright/test';
