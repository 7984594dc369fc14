// The import loop (runs inside the worker task): expand the job's paths, skip the files its
// item records already cover, import the rest one by one with progress. Stopping at any point
// (cancel, crash) loses nothing: every finished file is committed with its item record.
import type { ImportProgress } from '../../contract/catalog.js';
import { StudioError } from '../../contract/errors.js';
import type { Catalog } from '../catalog.js';
import { collectFiles } from './collect-files.js';
import { importFile } from './import-file.js';
import { importInputOf } from './job-input.js';

export interface ImportIO {
  progress(p: ImportProgress): void;
  /** Between files: waits while paused, throws once cancelled. */
  checkpoint(): Promise<void>;
}

const PROGRESS_INTERVAL_MS = 100;

export async function runImport(catalog: Catalog, jobId: number, thumbnailsDir: string, io: ImportIO): Promise<void> {
  const input = importInputOf(catalog.jobs.require(jobId));
  if (!catalog.datasets.get(input.datasetId)) {
    throw new StudioError('not-found', `dataset '${input.dataset}' was deleted; the import cannot continue`);
  }
  const { files, missing } = await collectFiles(input.paths);
  const finished = catalog.jobs.finishedKeys(jobId);
  for (const m of missing) {
    if (!finished.has(m.path)) catalog.jobs.recordItem(jobId, { key: m.path, outcome: 'failed', message: m.error });
  }
  const total = files.length + missing.length;
  catalog.jobs.setTotal(jobId, total);

  const counts = catalog.jobs.countItems(jobId);
  let lastSent = 0;
  const report = (extra: { current?: string; error?: string } = {}, force = false) => {
    const now = Date.now();
    if (!force && now - lastSent < PROGRESS_INTERVAL_MS) return;
    lastSent = now;
    const done = counts.done + counts.skipped + counts.failed;
    io.progress({
      jobId,
      dataset: input.dataset,
      done,
      total,
      added: counts.done,
      skipped: counts.skipped,
      failed: counts.failed,
      ...extra,
    });
  };
  report({}, true);

  const target = {
    jobId,
    datasetId: input.datasetId,
    thumbnailsDir,
    ...(input.maxPixels !== undefined ? { maxPixels: input.maxPixels } : {}),
  };
  for (const file of files) {
    if (finished.has(file)) continue;
    await io.checkpoint();
    const r = await importFile(catalog, target, file);
    counts[r.outcome]++;
    if (r.outcome === 'failed') report({ current: file, ...(r.message ? { error: r.message } : {}) }, true);
    else report({ current: file });
  }
  report({}, true);
}
