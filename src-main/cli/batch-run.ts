// Folders (and the batch flags) for `compress` and `decompress`: runs a batch job through the
// contract (startBatch / resumeJob, then awaitJob) with a progress line on stderr (files,
// MB/s, ETA), prints one summary, and exits 2 when some inputs failed. Rerunning the same
// command continues an interrupted job; --resume JOB continues a given one.
import { statSync } from 'node:fs';
import path from 'node:path';
import { batchRequest, type BatchKind, type BatchProgress, type BatchStarted, type BatchSummary } from '../core/contract/batch.js';
import { JobRef } from '../core/contract/common.js';
import { StudioError } from '../core/contract/errors.js';
import { fsPathOf } from '../core/input/names.js';
import type { Studio } from '../core/studio.js';
import { stringFlag, UsageError, type CliEnv, type CommandResult, type OptionSpec } from './command.js';
import { jobResult, onJobProgress } from './job-events.js';
import { schemaFlag } from './schema-flags.js';
import type { ProgressPart } from './progress.js';
import { formatBytes, formatRatio } from '../core/system/units.js';

/** Flags the batch adds to compress and decompress. */
export const BATCH_OPTIONS: Record<string, OptionSpec> = {
  workers: { type: 'string' },
  'skip-existing': { type: 'boolean' },
  suffix: { type: 'string' },
  'max-pixels': { type: 'string' },
  resume: { type: 'string' },
  fresh: { type: 'boolean' },
  // On a Redis queue, for `latent-studio worker` processes (queue-run.ts).
  queue: { type: 'string' },
};

export const BATCH_USAGE =
  '[--workers N] [--skip-existing] [--suffix S] [--max-pixels N] [--fresh] | --resume JOB  [--queue redis://HOST:PORT]';

export type Values = Record<string, string | boolean | string[] | undefined>;

function isFolder(p: string): boolean {
  try {
    // fsPathOf: a folder named in its `\xHH` form (a name that is not UTF-8) is a folder too.
    return statSync(fsPathOf(p)).isDirectory();
  } catch {
    return false;
  }
}

/** A folder among the inputs, or a batch-only flag, sends the command through the batch runner. */
export function wantsBatch(values: Values, positionals: string[]): boolean {
  // --max-pixels applies to one-shot files as well (the same limit on every decode path).
  return Object.keys(BATCH_OPTIONS).some((k) => k !== 'max-pixels' && values[k] !== undefined) || positionals.some(isFolder);
}

/** --max-pixels N, for a request's maxPixels (contract/limits.ts has the default). */
export function maxPixelsFlag(values: Values): { maxPixels: number } | Record<string, never> {
  // Every request that decodes takes the same maxPixels rule (contract/limits.ts); the batch's stands for them.
  const maxPixels = schemaFlag(batchRequest, 'maxPixels', values);
  return maxPixels !== undefined ? { maxPixels } : {};
}

export function requestOf(kind: BatchKind, values: Values, positionals: string[]) {
  const outDir = stringFlag(values, 'out');
  if (!outDir) throw new UsageError('--out is required');
  if (positionals.length === 0) throw new UsageError(`${kind} needs at least one file or folder`);
  if (values.pack !== undefined) throw new UsageError('--pack takes image files: give the files, not folders or batch flags');
  if (values.image !== undefined) throw new UsageError('--image applies to one pack, not to a batch');
  const skipExisting = values['skip-existing'] === true;
  const overwrite = values.overwrite === true;
  if (skipExisting && overwrite) throw new UsageError('give one of --skip-existing and --overwrite');
  const common = {
    inputs: positionals,
    outDir,
    ...(values.workers !== undefined ? { workers: schemaFlag(batchRequest, 'workers', values)! } : {}),
    ...(skipExisting ? { skipExisting } : {}),
    ...(overwrite ? { overwrite } : {}),
    ...(stringFlag(values, 'suffix') !== undefined ? { suffix: stringFlag(values, 'suffix')! } : {}),
    ...maxPixelsFlag(values),
    ...(values.fresh ? { fresh: true } : {}),
  };
  if (kind === 'decompress') {
    const format = schemaFlag(batchRequest, 'format', values) ?? 'png';
    return { kind, ...common, format } as const;
  }
  const modelId = stringFlag(values, 'model');
  if (!modelId) throw new UsageError('--model is required');
  const quality = schemaFlag(batchRequest, 'quality', values);
  const targetPsnr = schemaFlag(batchRequest, 'targetPsnr', values);
  const targetBpp = schemaFlag(batchRequest, 'targetBpp', values);
  if ([quality, targetPsnr, targetBpp].filter((v) => v !== undefined).length > 1) {
    throw new UsageError('give at most one of --quality, --target-psnr, --target-bpp');
  }
  return {
    kind,
    ...common,
    modelId,
    ...(quality !== undefined ? { quality } : {}),
    ...(targetPsnr !== undefined ? { targetPsnr } : {}),
    ...(targetBpp !== undefined ? { targetBpp } : {}),
    ...(values.measure ? { measure: true } : {}),
    ...(values['no-metadata'] ? { keepMetadata: false } : {}),
  } as const;
}

/** The progress line's detail: rates, state, the file just finished (a queue batch adds its workers). */
export function progressDetail(q: BatchProgress, onQueue = false): string {
  const rate = `${q.mbPerSecond.toFixed(1)} MB/s ${q.filesPerSecond.toFixed(1)} files/s`;
  const state = q.state === 'paused' ? ' (paused)' : '';
  const workers = onQueue ? ` ${q.workers} worker(s)` : '';
  // The file being coded when its tiles are what moved, else the one just finished.
  const file = q.working?.length === 1 ? q.working[0]!.file : q.currentFile;
  return `${rate}${workers}${state}${file ? ` ${path.basename(file)}` : ''}`;
}

/** One file in progress moves the bar by its tiles; with several, the bar counts whole files. */
export function progressPart(q: BatchProgress): ProgressPart | undefined {
  const w = q.working?.length === 1 ? q.working[0]! : undefined;
  return w ? { done: w.tilesDone, total: w.tilesTotal, unit: 'tile' } : undefined;
}

export function summaryText(s: BatchSummary): string {
  const verb = s.kind === 'compress' ? 'compressed' : 'decompressed';
  const parts = [
    `${verb} ${s.files.length} of ${s.total} files into ${s.outDir} (job ${s.jobId}, ${s.state})`,
    `  ${s.skipped.length} skipped, ${s.failed.length} failed; ${formatBytes(s.bytesIn)} -> ${formatBytes(s.bytesOut)}` +
      // Compression ratio only means something one way; a decompress batch's bytes grow.
      (s.kind === 'compress' && s.ratio > 0 ? `, ratio ${formatRatio(s.ratio)}` : ''),
    `  ${s.seconds.toFixed(1)} s, ${s.filesPerSecond.toFixed(2)} files/s, ${s.mbPerSecond.toFixed(2)} MB/s, ${s.workers} worker(s)`,
  ];
  for (const f of s.failed) parts.push(`failed: ${f.error}`);
  if (s.error && s.state !== 'done') parts.push(`stopped: ${s.error}`);
  return parts.join('\n');
}

/** The --json document: the codec's {files, failed} fields plus the batch's own. */
export function summaryJson(s: BatchSummary, started: BatchStarted, model?: string) {
  return {
    ...(model ? { model } : {}),
    job: s.jobId,
    kind: s.kind,
    state: s.state,
    resumed: started.resumed,
    outDir: s.outDir,
    files: s.files,
    skipped: s.skipped,
    failed: s.failed,
    summary: {
      total: s.total,
      written: s.files.length,
      skipped: s.skipped.length,
      failed: s.failed.length,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      ratio: s.ratio,
      seconds: s.seconds,
      filesPerSecond: s.filesPerSecond,
      mbPerSecond: s.mbPerSecond,
      workers: s.workers,
    },
    ...(s.error ? { error: s.error } : {}),
  };
}

/** A job named by --resume must be of the command's kind. */
export function checkStartedKind(kind: BatchKind, started: Pick<BatchStarted, 'jobId' | 'kind'>): void {
  if (started.kind !== kind)
    throw new UsageError(
      `job ${started.jobId} is a ${started.kind} job; run it with latent-studio ${started.kind} --resume ${started.jobId}`,
    );
}

/**
 * The end of a batch command, local or on a queue: a stopped job says how to continue it (with
 * `resumeFlags`, what else the command needs), then the summary, exit status 2 when a file failed.
 */
export function batchResult(
  kind: BatchKind,
  summary: BatchSummary,
  started: BatchStarted,
  request: ReturnType<typeof requestOf> | undefined,
  env: CliEnv,
  resumeFlags = '',
): CommandResult {
  if (summary.state !== 'done') {
    if (summary.state === 'cancelled')
      env.stderr.write(`${kind}: stopped; continue with latent-studio ${kind} --resume ${summary.jobId}${resumeFlags}\n`);
    else throw new StudioError('internal', `${kind} job ${summary.jobId} ${summary.state}: ${summary.error ?? 'stopped'}`);
  }
  const model = request && 'modelId' in request ? request.modelId : undefined;
  return {
    json: summaryJson(summary, started, model),
    text: summaryText(summary),
    exitCode: summary.failed.length > 0 || summary.state !== 'done' ? 2 : 0,
  };
}

/** --resume JOB (the inputs are the job's) or the request the flags and inputs make. */
export function resumeOrRequest(
  kind: BatchKind,
  values: Values,
  positionals: string[],
): { resume: number; request?: undefined } | { resume?: undefined; request: ReturnType<typeof requestOf> } {
  const resume = schemaFlag(JobRef, 'jobId', values, 'resume');
  if (resume === undefined) return { request: requestOf(kind, values, positionals) };
  if (positionals.length > 0) throw new UsageError('--resume takes only the job id (the inputs are stored in the job)');
  return { resume };
}

const BATCH_JOB_KINDS = ['batch.compress', 'batch.decompress'] as const;

/** --resume JOB: refused before anything runs when the job is not a batch of this command's kind. */
async function resumeBatchJob(studio: Studio, kind: BatchKind, jobId: number): Promise<BatchStarted> {
  const before = await studio.call('getBatch', { jobId });
  checkStartedKind(kind, before);
  const { state } = await studio.call('resumeJob', { jobId });
  return { jobId, kind: before.kind, state, resumed: false };
}

export async function runBatchCli(kind: BatchKind, args: { values: Values; positionals: string[] }, env: CliEnv): Promise<CommandResult> {
  // Loaded on use: the queue's Redis driver is needed only for --queue.
  if (args.values.queue !== undefined) return (await import('./queue-run.js')).runQueueBatchCli(kind, args, env);
  const { resume, request } = resumeOrRequest(kind, args.values, args.positionals);
  const studio = env.studio();
  const bar = env.progress(kind);
  let jobId: number | undefined;
  const off = onJobProgress(studio, BATCH_JOB_KINDS, (id, q) => {
    if (id !== jobId) return;
    bar.update(q.done, q.total, progressDetail(q), progressPart(q));
  });
  // Ctrl-C stops after the files in flight and leaves the job resumable (a second one quits at once).
  const onInt = () => {
    if (jobId !== undefined) void studio.call('cancelJob', { jobId }).catch(() => {});
  };
  process.once('SIGINT', onInt);
  let started: BatchStarted;
  let summary: BatchSummary;
  try {
    started = resume !== undefined ? await resumeBatchJob(studio, kind, resume) : await studio.call('startBatch', request!);
    jobId = started.jobId;
    checkStartedKind(kind, started);
    if (started.resumed)
      env.stderr.write(`${kind}: continuing unfinished job ${jobId} (finished files are not redone; --fresh starts anew)\n`);
    summary = await jobResult(studio, jobId, BATCH_JOB_KINDS);
  } finally {
    process.removeListener('SIGINT', onInt);
    off();
    bar.done();
  }
  return batchResult(kind, summary, started, request, env);
}
