// The catalog fragment's import methods (contract/catalog.ts), on the import job kind.
import path from 'node:path';
import type { catalogMethods } from '../contract/catalog.js';
import type { Handlers } from '../context.js';
import { pixelLimit } from '../settings/pixel-limit.js';
import { importJobs } from './import-job.js';

export type ImportMethods = Pick<typeof catalogMethods, 'importPaths' | 'awaitImport' | 'cancelImport'>;

export const importHandlers: Handlers<ImportMethods> = {
  async importPaths(req, ctx) {
    return importJobs(ctx).start({
      paths: req.paths.map((p) => path.resolve(p)),
      dataset: req.dataset,
      ...(req.description ? { description: req.description } : {}),
      maxPixels: await pixelLimit(ctx.home, req.maxPixels),
    });
  },

  async awaitImport(req, ctx) {
    return importJobs(ctx).wait(req.jobId);
  },

  async cancelImport(req, ctx) {
    return { cancelled: await importJobs(ctx).cancel(req.jobId) };
  },
};
