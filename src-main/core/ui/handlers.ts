// Handlers for the studio-ui fragment: the sample dataset's location and opening a folder.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { getCatalog } from '../catalog/index.js';
import { StudioError } from '../contract/errors.js';
import type { studioUiMethods } from '../contract/studio-ui.js';
import type { Handlers, HostServices } from '../context.js';
import { countImages, findSampleDir, SAMPLE_DATASET, SAMPLE_SOURCE } from './sample.js';

/** A host that can show a folder in the system file manager (the Electron shell, when it offers it). */
type WithOpenPath = HostServices & { openPath?: (p: string) => Promise<string> };

export const studioUiHandlers: Handlers<typeof studioUiMethods> = {
  async getSample(_req, ctx) {
    const dir = findSampleDir();
    const loaded = getCatalog(ctx).datasets.byName(SAMPLE_DATASET) !== undefined;
    return { path: dir, images: dir ? countImages(dir) : 0, dataset: SAMPLE_DATASET, source: SAMPLE_SOURCE, loaded };
  },
  async openFolder(req, ctx) {
    const dir = path.resolve(req.path);
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new StudioError('not-found', `${dir}: no such folder`);
    const open = (ctx.hostServices as WithOpenPath).openPath;
    if (!open) return { opened: false, reason: 'the browser studio cannot open windows on the studio machine' };
    const err = await open(dir);
    if (err) throw new StudioError('io', `${dir}: could not open (${err})`);
    return { opened: true };
  },
};
