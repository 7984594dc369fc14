// Training on the training host saved in the settings (trainOnHost): a catalog job of kind
// train.remote, declared for the generic runner (jobs/runner.ts); its work runs in this studio's
// process (HTTP to the host, no worker). The dataset's images go to the host once, by content (the
// catalog's sha256 of each file, checked again as it is read), the host trains on them and streams
// its progress, which this studio relays as the job's progress; the model comes back as a
// .lsmodel and is imported into this catalog under this studio's dataset. The unit it records is
// the host's job id, once the host has accepted the training: a job whose studio closed (or whose
// work crashed) resumes by following the host's job again; cancelling it cancels it on the host.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Catalog } from '../catalog/index.js';
import { decodeLsModel, encodeLsModel } from '../catalog/lsmodel/format.js';
import { importModel } from '../catalog/lsmodel/transfer.js';
import { REMOTE_TRAIN_JOB_KIND } from '../contract/remote.js';
import { TrainRequest, type TrainProgressPayload, type TrainResult } from '../contract/engine.js';
import type { RemoteTrainProgress } from '../contract/jobs.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { readInput } from '../input/open-input.js';
import { declareJob, type JobRun, type JobWork } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { partName } from '../system/part-name.js';
import { readSettings } from '../settings/store.js';
import { HostClient } from './client.js';
import { HOST_DATASET_PREFIX, MAX_BLOB_BYTES } from './protocol.js';
export { REMOTE_TRAIN_JOB_KIND };
/** The job item that records the host's job id once the host has accepted the training. */
const HOST_JOB_ITEM = 'host-job';
/** Images sent at once. */
const UPLOADS_AT_ONCE = 4;

/** The stored input: the request and the host it was sent to (the settings' address when it started). */
const remoteJobInput = z.object({ request: TrainRequest, host: z.string().min(1) }).strict();
type RemoteJobInput = z.infer<typeof remoteJobInput>;

type Home = CoreContext['home'];

async function savedHost(home: Home): Promise<{ url: string; token: string }> {
  const { trainingHost } = await readSettings(home);
  if (!trainingHost)
    throw new StudioError('bad-request', 'no training host is configured: save its address and token in the settings first');
  return trainingHost;
}

/** A client of the job's host, refused when the settings now name another one. */
async function clientOf(home: Home, jobId: number, input: RemoteJobInput): Promise<HostClient> {
  const host = await savedHost(home);
  if (host.url !== input.host)
    throw new StudioError(
      'conflict',
      `job ${jobId} was sent to ${input.host}, but the settings now name ${host.url}; start a new training`,
    );
  return new HostClient(host.url, host.token);
}

function hostJobOf(catalog: Catalog, jobId: number): number | undefined {
  const item = catalog.jobs.items(jobId).find((i) => i.key === HOST_JOB_ITEM);
  return (item?.data as { jobId?: number } | null)?.jobId;
}

export const remoteTrainJob = declareJob({
  kind: 'train.remote',
  label: 'training on the training host',
  input: remoteJobInput,
  run(run): JobWork<TrainResult> {
    const stop = new AbortController();
    let crashed!: (err: Error) => void;
    // A crash ends the work at once, whatever request is in flight (the host trains on).
    const crash = new Promise<never>((_, reject) => (crashed = reject));
    crash.catch(() => {});
    return {
      result: Promise.race([execute(run, stop.signal), crash]),
      cancel() {
        const hostJob = hostJobOf(run.catalog, run.jobId);
        // Cancelled by the user once the host has the training: the host stops it, and its event
        // stream then ends with it. The studio closing only stops following (the host trains on).
        if (run.stopping() === 'cancel' && hostJob !== undefined)
          void clientOf(run.ctx.home, run.jobId, run.input)
            .then((c) => c.cancel(hostJob))
            .catch(() => stop.abort());
        else stop.abort();
      },
      async terminate() {
        stop.abort();
        crashed(new StudioError('internal', `training job ${run.jobId} stopped following the training host at once`));
      },
    };
  },
  end(run, end) {
    const { jobId } = run;
    if (end.ok) return { state: 'done', stored: end.value, finished: { jobId, ok: true, result: end.value }, result: end.value };
    const error = end.state === 'interrupted' ? 'the studio closed (the host trains on; resumeJob fetches the model)' : end.error;
    return { state: end.state, error, finished: { jobId, ok: false, error, cancelled: end.state === 'cancelled' } };
  },
  stored: (_catalog, job) => (job.state === 'done' && job.result ? (job.result as TrainResult) : undefined),
});

async function execute(run: JobRun<'train.remote', RemoteJobInput>, signal: AbortSignal): Promise<TrainResult> {
  const { ctx, catalog, jobId, input } = run;
  const client = await clientOf(ctx.home, jobId, input);
  const progress = (p: RemoteTrainProgress) => run.progress(p);
  const say = (phase: 'checking' | 'uploading' | 'training' | 'fetching', done = 0, total = 0, bytes = 0) =>
    progress({ kind: 'host', jobId, host: client.url, phase, done, total, bytes });
  let hostJob = hostJobOf(catalog, jobId);
  if (hostJob === undefined) {
    const dataset = catalog.datasets.byName(input.request.dataset);
    if (!dataset) throw new StudioError('not-found', `dataset '${input.request.dataset}' is not in the catalog any more`);
    const images = catalog.images.forDataset(dataset.id);
    say('checking', 0, images.length);
    const missing = new Set(await client.missing(images.map((i) => i.hash)));
    const send = images.filter((i) => missing.has(i.hash));
    let sent = 0;
    let bytes = 0;
    say('uploading', 0, send.length);
    const next = send.values();
    const uploader = async () => {
      for (const img of next) {
        if (signal.aborted) throw new StudioError('cancelled', 'stopped');
        const { bytes: data } = await readInput(img.path, { maxBytes: MAX_BLOB_BYTES, what: 'an image file' });
        // The address is the catalog's hash: a file changed since its import would train on other pixels.
        if (createHash('sha256').update(data).digest('hex') !== img.hash)
          throw new StudioError('conflict', `${img.path}: changed since it was imported into '${dataset.name}'; import it again`);
        await client.putBlob(img.hash, data, signal);
        sent++;
        bytes += data.length;
        say('uploading', sent, send.length, bytes);
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, send.length) }, uploader));
    const { dataset: _own, ...request } = input.request;
    const started = await client.train(
      { request, images: images.map((i) => ({ hash: i.hash, ext: path.extname(i.path).toLowerCase() || '.png' })) },
      signal,
    );
    hostJob = started.jobId;
    catalog.jobs.recordItem(jobId, { key: HOST_JOB_ITEM, outcome: 'done', data: { jobId: hostJob, dataset: started.dataset } });
  }
  say('training');
  const end = await client.follow(hostJob, (e) => progress({ ...e.payload, jobId } as TrainProgressPayload), signal);
  if (!end.ok) throw new StudioError(end.cancelled ? 'cancelled' : 'internal', `training host ${client.url}: ${end.error}`);
  say('fetching');
  const file = path.join(ctx.home.tmpDir, `${partName(`host-job-${hostJob}`)}.lsmodel`);
  try {
    await client.downloadModel(hostJob, file, signal);
    const name = await relabel(file, input.request);
    const { model } = await importModel(catalog, ctx.home, file);
    if (model.id !== end.result.model)
      throw new StudioError('internal', `training host ${client.url}: sent model ${model.id} for a training that made ${end.result.model}`);
    return { ...end.result, name };
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * The model comes back named for the host's dataset: it is filed under this studio's dataset
 * (and named after it, unless the request named it). The weights and their hash are untouched.
 */
async function relabel(file: string, req: TrainRequest): Promise<string> {
  const { index, files } = decodeLsModel(file, await readFile(file));
  const hostDataset = index.model.dataset;
  let name = index.model.name;
  if (req.name === undefined && hostDataset?.startsWith(HOST_DATASET_PREFIX) && name.startsWith(hostDataset))
    name = `${req.dataset}${name.slice(hostDataset.length)}`;
  const { files: _listed, ...meta } = index;
  await writeFile(file, encodeLsModel({ ...meta, model: { ...meta.model, name, dataset: req.dataset } }, files));
  return name;
}

/** Starting a training on the host (the rest of its life is the generic job methods). */
export function remoteTrainings(ctx: CoreContext) {
  const runner = jobRunner(ctx);
  const catalog = runner.catalogOf();
  return {
    /** Checks the host is saved and the dataset has images, stores the job and starts it. */
    async start(req: TrainRequest): Promise<number> {
      const host = await savedHost(ctx.home);
      const dataset = catalog.datasets.byName(req.dataset);
      if (!dataset) throw new StudioError('not-found', `dataset '${req.dataset}' is not in the catalog (import images first)`);
      if (catalog.images.count(dataset.id) === 0) throw new StudioError('bad-request', `dataset '${req.dataset}' has no images`);
      return runner.start(remoteTrainJob, { request: req, host: host.url } satisfies RemoteJobInput).jobId;
    },
  };
}
