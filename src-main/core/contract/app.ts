// Contract fragment: the studio itself (version, where data lives, which tfjs backend runs).
import { z } from 'zod';
import { event, method } from './define.js';

export interface AppInfo {
  name: string;
  version: string;
  /** Studio home: catalog, models, caches. */
  home: string;
  /** Which front door is serving: the Electron app, the headless server, or the CLI. */
  host: 'electron' | 'server' | 'cli' | 'test';
  platform: string;
  nodeVersion: string;
}

export interface PickedPaths {
  /** Absolute paths the user chose; empty when cancelled. */
  paths: string[];
}

export interface DirEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
}

export const appMethods = {
  getAppInfo: method<AppInfo>()(z.object({}).strict(), 'Version, home folder and host of the running studio.'),
  pickPaths: method<PickedPaths>()(
    z.object({ kind: z.enum(['files', 'folder']), title: z.string().max(200).optional() }).strict(),
    'Ask the user for files or a folder (native dialog in Electron; in the browser studio the page browses with listDir).',
  ),
  listDir: method<{ path: string; parent: string | null; entries: DirEntry[] }>()(
    z.object({ path: z.string().max(4096).optional() }).strict(),
    'List a folder on the machine running the studio (the browser studio has no native dialog).',
  ),
} as const;

export const appEvents = {
  log: event<{ level: 'info' | 'warn' | 'error'; message: string }>('A line for the status bar.'),
} as const;
