// The studio's own settings: the queue batches can run on (docs/scaling.md), the training host
// (docs/security.md section 5) and the largest image read (pixel-limit.ts). One file,
// <home>/settings.json, readable by the user only: it holds secrets (the queue's password, the
// host's token), which the contract never sends back whole (settings-handlers.ts returns them redacted). Written under a temporary name, then renamed.
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../contract/errors.js';
import { MAX_PIXELS_STUDIO_SETTING } from '../contract/limits.js';
import { errnoOf, fileProblem } from '../input/file-problem.js';
import type { StudioHome } from '../system/home.js';
import { partName } from '../system/part-name.js';

const trainingHost = z.object({ url: z.string().min(1).max(2048), token: z.string().min(1).max(4096) }).strict();

const stored = z
  .object({
    v: z.literal(1),
    queueUrl: z.string().min(1).max(2048).optional(),
    trainingHost: trainingHost.optional(),
    /** "Largest image": the pixel limit of every request that gives none (contract/limits.ts). */
    maxPixels: z.number().int().min(1).max(MAX_PIXELS_STUDIO_SETTING).optional(),
  })
  .strict();

export type StoredSettings = Omit<z.infer<typeof stored>, 'v'>;
export type StoredTrainingHost = z.infer<typeof trainingHost>;

export function settingsFile(home: Pick<StudioHome, 'root'>): string {
  return path.join(home.root, 'settings.json');
}

/** The settings, {} when none were saved; a damaged file is one line naming it. */
export async function readSettings(home: Pick<StudioHome, 'root'>): Promise<StoredSettings> {
  const file = settingsFile(home);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return {};
    throw fileProblem(file, err, 'read the settings', 'io');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StudioError('bad-request', `${file}: the settings are not valid JSON (fix or delete the file)`);
  }
  const parsed = stored.safeParse(json);
  // The file holds secrets: the message names the file and the field, never a value.
  if (!parsed.success)
    throw new StudioError(
      'bad-request',
      `${file}: unexpected settings (${parsed.error.issues[0]?.path.join('.') || 'file'}); fix or delete the file`,
    );
  const { v: _v, ...rest } = parsed.data;
  return rest;
}

/** Replaces the settings file (mode 0600: it holds secrets). */
export async function writeSettings(home: Pick<StudioHome, 'root'>, settings: StoredSettings): Promise<void> {
  const file = settingsFile(home);
  const tmp = path.join(path.dirname(file), partName(path.basename(file)));
  const body = JSON.stringify(stored.parse({ v: 1, ...settings }), null, 2) + '\n';
  try {
    await writeFile(tmp, body, { flag: 'wx', mode: 0o600 });
    // The mode given to open() is masked by the umask; this one is not.
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw fileProblem(file, err, 'write the settings', 'io');
  }
}
