// compress / decompress with --queue URL: the batch goes to `latent-studio worker` processes
// through a Redis queue (core/queue/queue-batch-job.ts) instead of this machine's threads.
// Progress (over all workers), summary and exit status are the local batch's (batch-run.ts).
import type { BatchKind, BatchProgress } from '../core/contract/batch.js';
import { parseQueueUrl } from '../core/queue/queue-url.js';
import { runQueueBatch } from '../core/queue/queue-batch-job.js';
import { batchResult, checkStartedKind, progressDetail, resumeOrRequest, type Values } from './batch-run.js';
import { stringFlag, UsageError, type CliEnv, type CommandResult } from './command.js';

export async function runQueueBatchCli(
  kind: BatchKind,
  args: { values: Values; positionals: string[] },
  env: CliEnv,
): Promise<CommandResult> {
  const { values, positionals } = args;
  const q = parseQueueUrl(stringFlag(values, 'queue') ?? '');
  if (values.workers !== undefined)
    throw new UsageError('--workers counts local threads; on a queue, start workers with latent-studio worker --concurrency N');
  const { resume, request } = resumeOrRequest(kind, values, positionals);
  const studio = env.studio();
  const bar = env.progress(kind);
  // Ctrl-C takes the files no worker has started off the queue; the job stays resumable.
  const stop = new AbortController();
  const onInt = () => stop.abort();
  process.once('SIGINT', onInt);
  let result: Awaited<ReturnType<typeof runQueueBatch>>;
  try {
    result = await runQueueBatch(studio.context, q, request ?? { resume: resume! }, {
      say: (line) => {
        bar.done();
        env.stderr.write(`${line}\n`);
      },
      progress: (p: BatchProgress) => bar.update(p.done, p.total, progressDetail(p, true)),
      signal: stop.signal,
    });
  } finally {
    process.removeListener('SIGINT', onInt);
    bar.done();
  }
  const { summary, started } = result;
  checkStartedKind(kind, started);
  if (started.resumed)
    env.stderr.write(`${kind}: continued unfinished job ${started.jobId} (finished files were not redone; --fresh starts anew)\n`);
  return batchResult(kind, summary, started, request, env, ` --queue ${q.shown}`);
}
