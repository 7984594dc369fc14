// `import <path...> [--dataset NAME]`: files or folders (recursive) into a dataset (by default the
// one the studio would name: the folder's name, else "images" and the day).
// --json: {"dataset", "added", "skipped", "failed": [{"path", "error"}], ...}; exit 2 when some failed.
// `import --resume JOB` continues an interrupted import without redoing finished files.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { jobResult, onJobProgress } from '../job-events.js';
import { catalogMethods, type ImportSummary } from '../../core/contract/catalog.js';
import { JobRef } from '../../core/contract/common.js';
import { StudioError } from '../../core/contract/errors.js';
import { defaultDatasetName, folderOfPath } from '../../core/input/dataset-name.js';
import { stringFlag, UsageError, type CliCommand } from '../command.js';
import { schemaFlag } from '../schema-flags.js';

function summaryText(s: ImportSummary): string {
  const lines = [`dataset ${s.dataset}: ${s.added} added, ${s.skipped} already there, ${s.failed.length} failed (job ${s.jobId})`];
  for (const f of s.failed) lines.push(`  failed: ${f.error}`);
  return lines.join('\n');
}

/** Without --dataset: the studio's one rule (a folder's name, or the folder holding the files). */
async function datasetFor(paths: readonly string[]): Promise<string> {
  const folders = await Promise.all(
    paths.map(async (p) => {
      const abs = path.resolve(p);
      // A path that is not there is reported by the import itself; its name still says a folder.
      const isDir = await stat(abs).then(
        (s) => s.isDirectory(),
        () => null,
      );
      return isDir === null ? folderOfPath(abs) : isDir ? abs : path.dirname(abs);
    }),
  );
  return defaultDatasetName(folders);
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import image files or folders (recursive) into a dataset',
  usage: "import <path...> [--dataset NAME, default: the folder's name] [--description TEXT] [--max-pixels N] | import --resume JOB",
  options: { dataset: { type: 'string' }, description: { type: 'string' }, resume: { type: 'string' }, 'max-pixels': { type: 'string' } },
  positionals: true,
  async run({ values, positionals }, env) {
    const resume = schemaFlag(JobRef, 'jobId', values, 'resume');
    let dataset = stringFlag(values, 'dataset');
    const description = stringFlag(values, 'description');
    const maxPixels = schemaFlag(catalogMethods.importPaths.input, 'maxPixels', values);
    if (resume === undefined) {
      if (positionals.length === 0) throw new UsageError('import needs at least one file or folder');
      dataset ||= await datasetFor(positionals);
    } else if (positionals.length > 0 || dataset) {
      throw new UsageError('--resume takes only the job id (the paths and dataset are stored in the job)');
    }

    const studio = env.studio();
    const bar = env.progress('import');
    let jobId: number | undefined;
    const off = onJobProgress(studio, ['import'], (id, q) => {
      if (id === jobId) bar.update(q.done, q.total, q.current ? path.basename(q.current) : '');
    });
    let summary: ImportSummary;
    try {
      jobId =
        resume !== undefined
          ? (await studio.call('resumeJob', { jobId: resume })).jobId
          : (
              await studio.call('importPaths', {
                paths: positionals,
                dataset: dataset!,
                ...(description ? { description } : {}),
                ...(maxPixels !== undefined ? { maxPixels } : {}),
              })
            ).jobId;
      summary = await jobResult(studio, jobId, ['import']);
    } finally {
      off();
      bar.done();
    }
    // Nothing came in: list what failed, then the one-line reason, and exit 1.
    if (summary.state === 'failed' && summary.added === 0 && summary.skipped === 0 && summary.error)
      return { json: summary, text: `${summaryText(summary)}\n${summary.error}`, exitCode: 1 };
    if (summary.state !== 'done')
      throw new StudioError('internal', `import job ${summary.jobId} ${summary.state}: ${summary.error ?? 'stopped'}`);
    return { json: summary, text: summaryText(summary), exitCode: summary.failed.length > 0 ? 2 : 0 };
  },
};
