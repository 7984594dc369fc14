// THE model resolver, the studio's side: a catalog id (or tag:<hash>) becomes a ModelRef, which a
// worker thread opens with open-model.ts's openModel. Single files, folder batches, queue batches,
// Compare and eval resolve their models here.
import path from 'node:path';
import { getCatalog, type ModelRecord } from '../catalog/index.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import type { CalibrationSource, ModelRef } from './open-model.js';

export type { CalibrationSource, ModelRef } from './open-model.js';

/** The model's calibration cache and its dataset's first validation images (see codec-files/calibration-cache.ts). */
export function calibrationSource(ctx: CoreContext, rec: ModelRecord): CalibrationSource {
  const catalog = getCatalog(ctx);
  const samples =
    rec.datasetId === null
      ? []
      : catalog.images
          .forDataset(rec.datasetId, 'val')
          .map((i) => i.path)
          .sort()
          .slice(0, 8);
  return { file: path.join(ctx.home.root, 'cache', 'codec', `${rec.id}.calibration.json`), samples };
}

/** The ref of a catalog record. */
export function codingRef(ctx: CoreContext, rec: ModelRecord): ModelRef {
  return { id: rec.id, dir: rec.dir, calibration: calibrationSource(ctx, rec) };
}

/** Catalog id (or tag:<hash>) -> its record and ref; a one-line not-found otherwise. */
export function resolveModel(ctx: CoreContext, id: string): { rec: ModelRecord; ref: ModelRef } {
  const rec = getCatalog(ctx).models.get(id);
  if (!rec) throw new StudioError('not-found', `model ${id} is not in the catalog (see latent-studio models)`);
  return { rec, ref: codingRef(ctx, rec) };
}
