// The real Electron app through Playwright's _electron. It needs the Electron binary, which
// is downloaded on first use and cannot be downloaded on our build machines: skipped there.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');

function electronBinary(): string | null {
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();

test.skip(binary === null, 'the Electron binary is not installed (it downloads on first use, which this machine cannot do)');

test('the Electron app opens the library with a sandboxed preload', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ls-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: [path.join(root, 'out/main/index.js'), `--home=${home}`] });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();
    const host = await page.evaluate(async () => {
      const studio = (window as unknown as { studio: { getAppInfo(r: object): Promise<{ host: string }> } }).studio;
      return (await studio.getAppInfo({})).host;
    });
    expect(host).toBe('electron');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
