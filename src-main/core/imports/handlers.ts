// The catalog fragment's import method (contract/catalog.ts), on the import job kind; the rest of
// an import's life is the generic job methods (registry/job-handlers.ts).
import path from 'node:path';
import type { catalogMethods } from '../contract/catalog.js';
import type { Handlers } from '../context.js';
import { pixelLimit } from '../settings/pixel-limit.js';
import { importJobs } from './import-job.js';

export type ImportMethods = Pick<typeof catalogMethods, 'importPaths'>;

export const importHandlers: Handlers<ImportMethods> = {
  async importPaths(req, ctx) {
    return importJobs(ctx).start({
      paths: req.paths.map((p) => path.resolve(p)),
      dataset: req.dataset,
      ...(req.description ? { description: req.description } : {}),
      maxPixels: await pixelLimit(ctx.home, req.maxPixels),
    });
  },
};
