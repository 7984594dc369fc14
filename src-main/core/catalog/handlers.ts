// Contract handlers for the catalog fragment.
import type { catalogMethods } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext, Handlers } from '../context.js';
import type { Catalog } from './catalog.js';
import { deleteDataset } from './delete-dataset.js';
import { deleteModel } from './delete-model.js';
import { IMPORT_JOB_KIND } from './import/job-input.js';
import { getCatalog } from './index.js';
import { exportModel, importModel } from './lsmodel/transfer.js';
import { loadThumbnail, THUMBNAIL_MIME } from './thumbnails.js';
import type { DatasetRecord, ModelRecord } from './types.js';
import { datasetSummary, imageView, jobInfo, latentView, modelDetail, modelSummary } from './views.js';

function findDataset(catalog: Catalog, ref: number | string): DatasetRecord {
  const d = typeof ref === 'number' ? catalog.datasets.get(ref) : catalog.datasets.byName(ref);
  if (!d)
    throw new StudioError(
      'not-found',
      `dataset ${typeof ref === 'number' ? ref : `'${ref}'`} is not in the catalog (see latent-studio datasets)`,
    );
  return d;
}

function findModel(catalog: Catalog, id: string): ModelRecord {
  const m = catalog.models.get(id);
  if (!m) throw new StudioError('not-found', `model ${id} is not in the catalog (see latent-studio models)`);
  return m;
}

async function thumbnailDataUrl(ctx: CoreContext, image: Parameters<typeof loadThumbnail>[1]): Promise<string | undefined> {
  try {
    return `data:${THUMBNAIL_MIME};base64,${(await loadThumbnail(ctx.home.thumbnailsDir, image)).toString('base64')}`;
  } catch {
    return undefined; // a missing original shows as no thumbnail in a grid; getThumbnail says why
  }
}

/** The import methods are the import job kind's (imports/handlers.ts). */
export const catalogHandlers: Handlers<Omit<typeof catalogMethods, 'importPaths'>> = {
  async listDatasets(_req, ctx) {
    const catalog = getCatalog(ctx);
    return { datasets: catalog.datasets.list().map((d) => datasetSummary(catalog, d)) };
  },

  async getDataset(req, ctx) {
    const catalog = getCatalog(ctx);
    const d = findDataset(catalog, req.dataset);
    const imports = catalog.jobs
      .list({ kind: IMPORT_JOB_KIND, limit: 1000 })
      .filter((j) => (j.input as { datasetId?: number } | null)?.datasetId === d.id)
      .map((j) => jobInfo(catalog, j));
    return {
      dataset: datasetSummary(catalog, d),
      models: catalog.models.list({ datasetId: d.id }).map((m) => modelSummary(catalog, m)),
      imports,
    };
  },

  async listImages(req, ctx) {
    const catalog = getCatalog(ctx);
    const d = findDataset(catalog, req.dataset);
    const offset = req.offset ?? 0;
    const page = catalog.images.page(d.id, { offset, limit: req.limit ?? 100, ...(req.split ? { split: req.split } : {}) });
    const images = await Promise.all(
      page.images.map(async (img) => imageView(img, req.withThumbnails ? await thumbnailDataUrl(ctx, img) : undefined)),
    );
    return { total: page.total, offset, images };
  },

  async getThumbnail(req, ctx) {
    const image = getCatalog(ctx).images.get(req.imageId);
    if (!image) throw new StudioError('not-found', `image ${req.imageId} is not in the catalog`);
    return { mime: THUMBNAIL_MIME, base64: (await loadThumbnail(ctx.home.thumbnailsDir, image)).toString('base64') };
  },

  async deleteDataset(req, ctx) {
    const catalog = getCatalog(ctx);
    return deleteDataset(catalog, ctx.home.thumbnailsDir, findDataset(catalog, req.dataset), { dryRun: req.dryRun ?? false });
  },

  async listModels(req, ctx) {
    const catalog = getCatalog(ctx);
    const models = catalog.models.list(req.datasetId === undefined ? {} : { datasetId: req.datasetId });
    return { models: models.map((m) => modelSummary(catalog, m)) };
  },

  async getModel(req, ctx) {
    const catalog = getCatalog(ctx);
    return modelDetail(catalog, findModel(catalog, req.id));
  },

  async deleteModel(req, ctx) {
    const catalog = getCatalog(ctx);
    return deleteModel(catalog, ctx.home, findModel(catalog, req.id), { dryRun: req.dryRun ?? false, force: req.force ?? false });
  },

  async exportModel(req, ctx) {
    const catalog = getCatalog(ctx);
    return exportModel(catalog, findModel(catalog, req.id), req.path, { overwrite: req.overwrite ?? false });
  },

  async importModel(req, ctx) {
    const catalog = getCatalog(ctx);
    const { model, alreadyPresent } = await importModel(catalog, ctx.home, req.path);
    return { model: modelSummary(catalog, model), alreadyPresent };
  },

  async listLatentFiles(req, ctx) {
    const catalog = getCatalog(ctx);
    const rows = req.modelId ? catalog.latents.forModel(req.modelId, req.limit) : catalog.latents.list(req.limit);
    return { latentFiles: rows.map((l) => latentView(catalog, l)) };
  },

  async listJobs(req, ctx) {
    const catalog = getCatalog(ctx);
    // A CLI import killed while the app stays open would otherwise show as running until restart.
    catalog.jobs.recoverAbandoned();
    if (req.jobId !== undefined) return { jobs: [jobInfo(catalog, catalog.jobs.require(req.jobId))] };
    const jobs = catalog.jobs.list({
      ...(req.kind !== undefined ? { kind: req.kind } : {}),
      ...(req.state !== undefined ? { state: req.state } : {}),
      limit: req.limit ?? 100,
    });
    return { jobs: jobs.map((j) => jobInfo(catalog, j)) };
  },
};
