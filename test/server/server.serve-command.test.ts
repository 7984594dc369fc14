// `latent-studio serve` as a user runs it: --no-open is accepted, stdout carries the one-time
// launch link, and the page is only for the browser that opens it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browserCommand } from '../../src-main/server/open-browser.js';
import { makeTmpDir } from '../helpers/tmp-home.js';

const root = path.resolve(import.meta.dirname, '../..');
let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

describe('serve', () => {
  it('accepts --no-open and prints the launch link, which works once', async () => {
    const proc = spawn(
      process.execPath,
      [path.join(root, 'bin/latent-studio.js'), '--home', tmp.dir, '--json', 'serve', '--port', '0', '--no-open'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const printed = await new Promise<{ url: string; launchUrl: string; port: number }>((resolve, reject) => {
        let out = '';
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { url: string; launchUrl: string; port: number });
        });
        proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      expect(printed.launchUrl.startsWith(`${printed.url}?launch=`)).toBe(true);
      expect(stderr).not.toContain('Did not open a browser');
      expect((await fetch(printed.url)).status).toBe(401);
      const first = await fetch(printed.launchUrl, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect((await fetch(printed.launchUrl, { redirect: 'manual' })).status).toBe(401);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  });
});

describe('opening the browser', () => {
  const url = 'http://127.0.0.1:4000/?launch=abc';
  it('uses the platform opener, and skips Linux without a display', () => {
    expect(browserCommand(url, 'darwin', {})).toEqual({ command: 'open', args: [url] });
    expect(browserCommand(url, 'win32', {})).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] });
    expect(browserCommand(url, 'linux', { DISPLAY: ':0' })).toEqual({ command: 'xdg-open', args: [url] });
    expect(browserCommand(url, 'linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual({ command: 'xdg-open', args: [url] });
    expect(browserCommand(url, 'linux', {})).toEqual({ skip: 'no display' });
  });
});
