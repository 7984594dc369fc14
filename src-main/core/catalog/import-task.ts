// Worker task: runs one import job against its own connection to the catalog file. The host
// (import-jobs.ts) claims the job before and records how it ended after.
import type { ImportProgress } from '../contract/catalog.js';
import { defineTask } from '../workers/task.js';
import { openCatalog } from './catalog.js';
import { runImport } from './import/run-import.js';

export interface ImportTaskInput {
  catalogFile: string;
  thumbnailsDir: string;
  jobId: number;
}

export default defineTask<ImportTaskInput, ImportProgress, { jobId: number }>(async (input, io) => {
  const catalog = openCatalog(input.catalogFile, { recover: false });
  try {
    await runImport(catalog, input.jobId, input.thumbnailsDir, io);
    return { jobId: input.jobId };
  } finally {
    catalog.close();
  }
});
