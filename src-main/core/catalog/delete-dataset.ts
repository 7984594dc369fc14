// Deleting a dataset: says first what depends on it; removes only catalog rows and the
// thumbnails nothing else uses. The user's original image files are never touched; models
// trained on it and latent files made from it are kept (their link to it is cleared).
import type { DatasetDependents, DeleteDatasetResult } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { Catalog } from './catalog.js';
import { IMPORT_JOB_KIND } from './import/job-input.js';
import { removeThumbnails } from './thumbnails.js';
import type { DatasetRecord } from './types.js';

function count(catalog: Catalog, sql: string, ...args: (number | string)[]): number {
  return (catalog.db.prepare(sql).get(...args) as { n: number }).n;
}

/** Hashes used by this dataset's images and by no other dataset. */
function ownHashes(catalog: Catalog, datasetId: number): string[] {
  const rows = catalog.db
    .prepare('SELECT DISTINCT hash FROM images WHERE dataset_id = ? AND hash NOT IN (SELECT hash FROM images WHERE dataset_id <> ?)')
    .all(datasetId, datasetId) as { hash: string }[];
  return rows.map((r) => r.hash);
}

function runningImports(catalog: Catalog, datasetId: number): number {
  return catalog.jobs
    .list({ kind: IMPORT_JOB_KIND, state: 'running', limit: 10_000 })
    .filter((j) => (j.input as { datasetId?: number } | null)?.datasetId === datasetId).length;
}

export function datasetDependents(catalog: Catalog, dataset: DatasetRecord): DatasetDependents {
  const id = dataset.id;
  return {
    images: catalog.images.count(id),
    thumbnails: ownHashes(catalog, id).length,
    models: catalog.models.list({ datasetId: id }).map((m) => ({ id: m.id, name: m.name })),
    trainingRuns: count(catalog, 'SELECT count(*) AS n FROM training_runs WHERE dataset_id = ?', id),
    evaluations: count(catalog, 'SELECT count(*) AS n FROM evaluations WHERE dataset_id = ?', id),
    latentFiles: catalog.latents.countForDataset(id),
    runningImports: runningImports(catalog, id),
  };
}

export async function deleteDataset(
  catalog: Catalog,
  thumbnailsDir: string,
  dataset: DatasetRecord,
  options: { dryRun?: boolean } = {},
): Promise<DeleteDatasetResult> {
  const dependents = datasetDependents(catalog, dataset);
  if (options.dryRun) return { dataset: dataset.name, deleted: false, dependents };
  if (dependents.runningImports > 0) {
    throw new StudioError('conflict', `dataset '${dataset.name}': an import into it is running; cancel it first`);
  }
  const hashes = ownHashes(catalog, dataset.id);
  // One transaction: foreign keys cascade to images and clear the links from models, runs,
  // evaluations and latent files. A crash mid-way leaves the dataset whole.
  catalog.transaction(() => catalog.datasets.remove(dataset.id));
  // Thumbnails go after the commit: a crash here only leaves cache files behind.
  await removeThumbnails(
    thumbnailsDir,
    hashes.filter((h) => !catalog.images.isHashUsed(h)),
  );
  return { dataset: dataset.name, deleted: true, dependents };
}
