// Handlers for the app fragment of the contract.
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from './contract/errors.js';
import type { appMethods, DirEntry } from './contract/app.js';
import type { Handlers } from './context.js';
import { fileProblem } from './input/file-problem.js';
import { settingsHandlers } from './settings-handlers.js';
import { compareNames } from './system/compare-names.js';
import { APP_VERSION } from './version.js';

/** Where browsing starts without a path: the user's Pictures folder where there is one, else home. */
function defaultFolder(): string {
  const home = os.homedir();
  const pictures = path.join(home, 'Pictures');
  try {
    if (statSync(pictures).isDirectory()) return pictures;
  } catch {
    // no Pictures folder
  }
  return home;
}

export const appHandlers: Handlers<typeof appMethods> = {
  ...settingsHandlers,
  async getAppInfo(_req, ctx) {
    return {
      name: 'Latent Studio',
      version: APP_VERSION,
      home: ctx.home.root,
      host: ctx.host,
      platform: `${process.platform}-${process.arch}`,
      nodeVersion: process.versions.node,
    };
  },
  async pickPaths(req, ctx) {
    const pick = ctx.hostServices.pickPaths;
    if (!pick) throw new StudioError('unsupported', 'no native file dialog here: browse with listDir or drop files');
    return pick(req.kind, req.title);
  },
  async listDir(req) {
    const dir = path.resolve(req.path ?? defaultFolder());
    let dirents;
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw fileProblem(dir, err, 'list folder', 'not-found');
    }
    const entries: DirEntry[] = dirents
      .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || d.isFile()))
      .map((d) => ({ name: d.name, path: path.join(dir, d.name), kind: d.isDirectory() ? ('dir' as const) : ('file' as const) }))
      .sort((a, b) => (a.kind === b.kind ? compareNames(a.name, b.name) : a.kind === 'dir' ? -1 : 1));
    const parent = path.dirname(dir);
    return { path: dir, parent: parent === dir ? null : parent, entries };
  },
};
