// Contract fragment: the studio itself (version, where data lives, which tfjs backend runs).
import { z } from 'zod';
import { event, method } from './define.js';
import { MAX_PIXELS_STUDIO_SETTING } from './limits.js';

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

/**
 * The studio's settings as the contract shows them: secrets never come back whole (the queue's
 * password is masked as ***, the training host's token is only said to be set).
 */
export interface StudioSettings {
  /** The Redis queue batches can run on (docs/scaling.md); null when none is configured. */
  queue: { shown: string } | null;
  /** The studio that trains for this one (docs/security.md section 5); null when training runs here. */
  trainingHost: { url: string; tokenSet: true } | null;
  /** "Largest image": the pixel limit of every request that gives none (DEFAULT_MAX_PIXELS unless saved). */
  maxPixels: number;
}

/** At least 16 characters: the token is the only thing between the network and the host's trainer. */
export const MIN_HOST_TOKEN = 16;

export const settingsUpdate = z
  .object({
    /** redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://; null forgets it; absent keeps it. */
    queueUrl: z.string().trim().min(1).max(2048).nullable().optional(),
    /** The training host's address (http[s]://HOST:PORT) and its token; null forgets it; absent keeps it. */
    trainingHost: z
      .object({
        url: z
          .string()
          .trim()
          .max(2048)
          .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'the training host is an address like http://HOST:PORT'),
        /** Absent: keep the token already saved for this host. */
        token: z.string().trim().min(MIN_HOST_TOKEN).max(4096).optional(),
      })
      .strict()
      .nullable()
      .optional(),
    /** "Largest image" in pixels, at most MAX_PIXELS_STUDIO_SETTING (memory); null goes back to the default. */
    maxPixels: z.number().int().min(1).max(MAX_PIXELS_STUDIO_SETTING).nullable().optional(),
  })
  .strict();

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
  getSettings: method<StudioSettings>()(z.object({}).strict(), "The studio's settings (queue, training host, largest image), with their secrets masked."),
  updateSettings: method<StudioSettings>()(
    settingsUpdate,
    'Change the settings named in the request (null forgets one); they are kept in the home, readable by the user only.',
  ),
} as const;

export const appEvents = {
  log: event<{ level: 'info' | 'warn' | 'error'; message: string }>('A line for the status bar.'),
} as const;
