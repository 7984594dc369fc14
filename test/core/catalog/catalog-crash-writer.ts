// Child process for catalog.crash.test.ts (run with `node bin/run-ts.js`): starts a real import
// job, imports two files through the product code, then runs a long write transaction (deleting
// a dataset of many rows) and announces it from inside the transaction so the test can SIGKILL
// it mid-write. Usage: catalog-crash-writer.ts <catalog file> <thumbnails dir> <photos dir> <rows>
import { writeSync } from 'node:fs';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { collectFiles } from '../../../src-main/core/catalog/import/collect-files.js';
import { importFile } from '../../../src-main/core/catalog/import/import-file.js';
import { IMPORT_JOB_KIND } from '../../../src-main/core/catalog/import/job-input.js';

const [file, thumbnailsDir, photos, rowsArg] = process.argv.slice(2);
if (!file || !thumbnailsDir || !photos || !rowsArg) throw new Error('usage: catalog-crash-writer.ts <catalog> <thumbs> <photos> <rows>');
const say = (line: string) => writeSync(1, `${line}\n`);

const catalog = openCatalog(file);

// A big dataset, committed.
const bulk = catalog.datasets.ensure('bulk');
const rows = Number(rowsArg);
catalog.transaction(() => {
  const insert = catalog.db.prepare(
    "INSERT INTO images (dataset_id, path, hash, width, height, channels, format, bytes, split, added_at) VALUES (?, ?, ?, 8, 8, 3, 'png', 100, 'train', 'x')",
  );
  for (let i = 0; i < rows; i++) insert.run(bulk.id, `/bulk/${i}.png`, i.toString(16).padStart(64, '0'));
});
say(`seeded ${rows}`);

// A real import job, claimed by this process, two files in.
const photosSet = catalog.datasets.ensure('photos');
const job = catalog.jobs.create({ kind: IMPORT_JOB_KIND, input: { datasetId: photosSet.id, dataset: photosSet.name, paths: [photos] } });
catalog.jobs.claim(job.id);
const { files } = await collectFiles([photos]);
catalog.jobs.setTotal(job.id, files.length);
for (const f of files.slice(0, 2)) await importFile(catalog, { jobId: job.id, datasetId: photosSet.id, thumbnailsDir }, f);
say(`job ${job.id}`);

// The long write: one transaction removing the dataset and, by cascade, all its image rows.
catalog.transaction(() => {
  say('writing');
  catalog.datasets.remove(bulk.id);
});
say('committed');
