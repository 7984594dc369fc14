// Training on the training host saved in the settings (trainOnHost): a catalog job of kind
// train.remote. The dataset's images go to the host once, by content (the catalog's sha256 of
// each file, checked again as it is read), the host trains on them and streams its progress,
// which this studio emits as its own trainProgress events; the model comes back as a .lsmodel
// and is imported into this catalog under this studio's dataset. A job whose studio closed
// resumes by following the host's job again; cancelling it cancels it on the host.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getCatalog, type Catalog, type JobRecord } from '../catalog/index.js';
import { decodeLsModel, encodeLsModel } from '../catalog/lsmodel/format.js';
import { importModel } from '../catalog/lsmodel/transfer.js';
import type { JobState } from '../contract/catalog.js';
import { REMOTE_TRAIN_JOB_KIND } from '../contract/remote.js';
import type { TrainFinishedPayload, TrainProgressPayload, TrainRequest, TrainResult } from '../contract/engine.js';
import type { JobEndState } from '../contract/jobs.js';
import type { TrainHostProgress } from '../contract/remote.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { readInput } from '../input/open-input.js';
import { partName } from '../system/part-name.js';
import { readSettings } from '../settings/store.js';
import { HostClient } from './client.js';
import { HOST_DATASET_PREFIX, MAX_BLOB_BYTES } from './protocol.js';

export { REMOTE_TRAIN_JOB_KIND };
/** The job item that records the host's job id once the host has accepted the training. */
const HOST_JOB_ITEM = 'host-job';
/** Images sent at once. */
const UPLOADS_AT_ONCE = 4;

interface RemoteJobInput {
  request: TrainRequest;
  /** The host the job was sent to (the settings' address when it started). */
  host: string;
}

interface Running {
  stop: AbortController;
  /** Why it stops: the user's cancel, or the studio closing (the job stays resumable). */
  why?: 'cancel' | 'close';
  result: Promise<TrainResult>;
}

function inputOf(job: JobRecord): RemoteJobInput {
  const input = job.input as Partial<RemoteJobInput> | null;
  if (job.kind !== REMOTE_TRAIN_JOB_KIND || !input?.request || typeof input.host !== 'string')
    throw new StudioError('bad-request', `job ${job.id} is a ${job.kind} job, not a training on the training host`);
  return input as RemoteJobInput;
}

export class RemoteTrainings {
  private readonly catalog: Catalog;
  private readonly running = new Map<number, Running>();
  private closing = false;

  constructor(private readonly ctx: CoreContext) {
    // Taken first so the catalog outlives the trainings when the studio closes (reverse order).
    this.catalog = getCatalog(ctx);
  }

  async start(req: TrainRequest): Promise<number> {
    const host = await this.host();
    const dataset = this.catalog.datasets.byName(req.dataset);
    if (!dataset) throw new StudioError('not-found', `dataset '${req.dataset}' is not in the catalog (import images first)`);
    if (this.catalog.images.count(dataset.id) === 0) throw new StudioError('bad-request', `dataset '${req.dataset}' has no images`);
    const job = this.catalog.jobs.create({ kind: REMOTE_TRAIN_JOB_KIND, input: { request: req, host: host.url } satisfies RemoteJobInput });
    this.run(job.id);
    return job.id;
  }

  /** Follows the host's job again (or starts over when the host never accepted it). */
  resume(jobId: number): JobState {
    if (this.running.has(jobId)) return 'running';
    const job = this.catalog.jobs.require(jobId);
    inputOf(job);
    if (job.state === 'done') throw new StudioError('conflict', `job ${jobId} is already done`);
    this.run(jobId);
    return 'running';
  }

  cancel(jobId: number): boolean {
    const r = this.running.get(jobId);
    if (r) {
      r.why = 'cancel';
      const hostJob = this.hostJobOf(jobId);
      // The host stops its training; the event stream then ends with it.
      if (hostJob !== undefined)
        void this.client(jobId)
          .then((c) => c.cancel(hostJob))
          .catch(() => r.stop.abort());
      else r.stop.abort();
      return true;
    }
    const job = this.catalog.jobs.require(jobId);
    inputOf(job);
    if (job.state === 'done' || job.state === 'cancelled') return false;
    this.catalog.jobs.finish(jobId, 'cancelled', { error: 'cancelled' });
    return true;
  }

  wait(jobId: number): Promise<TrainResult> {
    const r = this.running.get(jobId);
    if (r) return r.result;
    const job = this.catalog.jobs.require(jobId);
    inputOf(job);
    if (job.state === 'done' && job.result) return Promise.resolve(job.result as TrainResult);
    if (job.state === 'cancelled') throw new StudioError('cancelled', `training job ${jobId} was cancelled`);
    throw new StudioError('conflict', `training job ${jobId} is ${job.state}${job.error ? ` (${job.error})` : ''}; resumeJob continues it`);
  }

  /** Studio closing: stop following; the host trains on and resumeJob picks its result up. */
  async dispose(): Promise<void> {
    this.closing = true;
    const all = [...this.running.values()];
    for (const r of all) {
      r.why = 'close';
      r.stop.abort();
    }
    await Promise.allSettled(all.map((r) => r.result));
  }

  private async host(): Promise<{ url: string; token: string }> {
    const { trainingHost } = await readSettings(this.ctx.home);
    if (!trainingHost)
      throw new StudioError('bad-request', 'no training host is configured: save its address and token in the settings first');
    return trainingHost;
  }

  private async client(jobId: number): Promise<HostClient> {
    const host = await this.host();
    const { host: url } = inputOf(this.catalog.jobs.require(jobId));
    if (host.url !== url)
      throw new StudioError('conflict', `job ${jobId} was sent to ${url}, but the settings now name ${host.url}; start a new training`);
    return new HostClient(host.url, host.token);
  }

  private hostJobOf(jobId: number): number | undefined {
    const item = this.catalog.jobs.items(jobId).find((i) => i.key === HOST_JOB_ITEM);
    return (item?.data as { jobId?: number } | null)?.jobId;
  }

  /** Progress as jobProgress and (until the renderer drops them) trainHostProgress / trainProgress. */
  private progress(p: TrainHostProgress | TrainProgressPayload): void {
    if ('phase' in p) {
      this.ctx.emit('trainHostProgress', p);
      this.ctx.emit('jobProgress', { jobId: p.jobId, kind: 'train.remote', payload: { kind: 'host', ...p } });
    } else {
      this.ctx.emit('trainProgress', p);
      this.ctx.emit('jobProgress', { jobId: p.jobId, kind: 'train.remote', payload: p });
    }
  }

  private finished(f: TrainFinishedPayload, state: JobEndState = 'done'): void {
    this.ctx.emit('jobState', { jobId: f.jobId, kind: 'train.remote', state });
    this.ctx.emit('trainFinished', f);
    this.ctx.emit('jobFinished', { jobId: f.jobId, kind: 'train.remote', payload: f });
  }

  private run(jobId: number): void {
    if (this.closing) throw new StudioError('conflict', 'the studio is closing');
    this.catalog.jobs.claim(jobId);
    this.ctx.emit('jobState', { jobId, kind: 'train.remote', state: 'running' });
    const stop = new AbortController();
    const entry: Running = { stop, result: Promise.resolve() as unknown as Promise<TrainResult> };
    entry.result = this.execute(jobId, stop.signal).then(
      (result) => {
        this.running.delete(jobId);
        this.catalog.jobs.finish(jobId, 'done', { result });
        this.finished({ jobId, ok: true, result });
        return result;
      },
      (err: unknown) => {
        this.running.delete(jobId);
        const e = err instanceof StudioError ? err : new StudioError('internal', err instanceof Error ? err.message : String(err));
        const state = entry.why === 'close' ? 'interrupted' : entry.why === 'cancel' || e.code === 'cancelled' ? 'cancelled' : 'failed';
        const error = state === 'interrupted' ? 'the studio closed (the host trains on; resumeJob fetches the model)' : e.message;
        this.catalog.jobs.finish(jobId, state, { error });
        this.finished({ jobId, ok: false, error, cancelled: state === 'cancelled' }, state);
        throw e;
      },
    );
    entry.result.catch(() => {}); // observed through wait() or the event
    this.running.set(jobId, entry);
  }

  private async execute(jobId: number, signal: AbortSignal): Promise<TrainResult> {
    const input = inputOf(this.catalog.jobs.require(jobId));
    const client = await this.client(jobId);
    const say = (phase: 'checking' | 'uploading' | 'training' | 'fetching', done = 0, total = 0, bytes = 0) =>
      this.progress({ jobId, host: client.url, phase, done, total, bytes });
    let hostJob = this.hostJobOf(jobId);
    if (hostJob === undefined) {
      const dataset = this.catalog.datasets.byName(input.request.dataset);
      if (!dataset) throw new StudioError('not-found', `dataset '${input.request.dataset}' is not in the catalog any more`);
      const images = this.catalog.images.forDataset(dataset.id);
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
      this.catalog.jobs.recordItem(jobId, { key: HOST_JOB_ITEM, outcome: 'done', data: { jobId: hostJob, dataset: started.dataset } });
    }
    say('training');
    const end = await client.follow(
      hostJob,
      (e) => this.progress({ ...e.payload, jobId } as TrainProgressPayload),
      signal,
    );
    if (!end.ok) throw new StudioError(end.cancelled ? 'cancelled' : 'internal', `training host ${client.url}: ${end.error}`);
    say('fetching');
    const file = path.join(this.ctx.home.tmpDir, `${partName(`host-job-${hostJob}`)}.lsmodel`);
    try {
      await client.downloadModel(hostJob, file, signal);
      const name = await this.relabel(file, input.request);
      const { model } = await importModel(this.catalog, this.ctx.home, file);
      if (model.id !== end.result.model)
        throw new StudioError(
          'internal',
          `training host ${client.url}: sent model ${model.id} for a training that made ${end.result.model}`,
        );
      return { ...end.result, name };
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * The model comes back named for the host's dataset: it is filed under this studio's dataset
   * (and named after it, unless the request named it). The weights and their hash are untouched.
   */
  private async relabel(file: string, req: TrainRequest): Promise<string> {
    const { index, files } = decodeLsModel(file, await readFile(file));
    const hostDataset = index.model.dataset;
    let name = index.model.name;
    if (req.name === undefined && hostDataset?.startsWith(HOST_DATASET_PREFIX) && name.startsWith(hostDataset))
      name = `${req.dataset}${name.slice(hostDataset.length)}`;
    const { files: _listed, ...meta } = index;
    await writeFile(file, encodeLsModel({ ...meta, model: { ...meta.model, name, dataset: req.dataset } }, files));
    return name;
  }
}

export function remoteTrainings(ctx: CoreContext): RemoteTrainings {
  return ctx.resource(
    'remote.trainings',
    () => new RemoteTrainings(ctx),
    (r) => r.dispose(),
  );
}
