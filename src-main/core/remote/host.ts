// The training host's side (`serve --token-file F`): images arrive once, content-addressed
// (<home>/training-host/blobs/<sha256>, checked against their name as they are written), a
// training request names its images by hash, and the host trains on its own dataset of exactly
// those images (host-<hash of the sorted hashes>: the same images, the same dataset, imported
// once). The trained model leaves as a .lsmodel. Only training jobs started this way are served.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { importJobs } from '../imports/import-job.js';
import { getCatalog, type Catalog } from '../catalog/index.js';
import { exportModel } from '../catalog/lsmodel/transfer.js';
import type { TrainResult } from '../contract/engine.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { TRAIN_JOB_KIND, trainInputOf, trainJobs } from '../engine/train-jobs.js';
import { fileProblem } from '../input/file-problem.js';
import { partName } from '../system/part-name.js';
import { HOST_DATASET_PREFIX, MAX_BLOB_BYTES, type HostEvent, type HostTrainStarted, type hostTrainRequest } from './protocol.js';
import type { z } from 'zod';

export class TrainingHost {
  private readonly catalog: Catalog;
  private readonly root: string;

  constructor(private readonly ctx: CoreContext) {
    // Taken first so the catalog outlives this when the studio closes (reverse order).
    this.catalog = getCatalog(ctx);
    this.root = path.join(ctx.home.root, 'training-host');
  }

  blobFile(hash: string): string {
    return path.join(this.root, 'blobs', hash);
  }

  async missing(hashes: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const h of new Set(hashes)) if (!(await stat(this.blobFile(h)).catch(() => undefined))?.isFile()) out.push(h);
    return out;
  }

  /** Writes an upload under a temporary name, hashing it; kept only when it hashes to its name. */
  async receive(hash: string, body: Readable, maxBytes = MAX_BLOB_BYTES): Promise<{ bytes: number; stored: boolean }> {
    const file = this.blobFile(hash);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = path.join(path.dirname(file), partName(hash));
    const sha = createHash('sha256');
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new StudioError('bad-request', `image ${hash}: larger than ${maxBytes / (1024 * 1024)} MB`));
        sha.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(tmp, { flags: 'wx' }));
      const got = sha.digest('hex');
      if (got !== hash) throw new StudioError('bad-request', `image ${hash}: the bytes sent hash to ${got}, not to their name`);
      await rename(tmp, file);
      return { bytes, stored: true };
    } catch (err) {
      await rm(tmp, { force: true });
      throw fileProblem(`image ${hash}`, err, 'store the upload', 'io');
    }
  }

  /** Imports the images as the host's dataset when it is not there yet, then starts the training. */
  async train(req: z.output<typeof hostTrainRequest>): Promise<HostTrainStarted> {
    const byHash = new Map(req.images.map((i) => [i.hash, i.ext]));
    const absent = await this.missing([...byHash.keys()]);
    if (absent.length > 0)
      throw new StudioError('bad-request', `${absent.length} of the ${byHash.size} images were not uploaded (first: ${absent[0]})`);
    const key = createHash('sha256')
      .update([...byHash.keys()].sort().join('\n'))
      .digest('hex');
    const name = `${HOST_DATASET_PREFIX}${key.slice(0, 24)}`;
    let imported = 0;
    const have = this.catalog.datasets.byName(name);
    const holds = have ? new Set(this.catalog.images.hashes(have.id)) : new Set<string>();
    if ([...byHash.keys()].some((h) => !holds.has(h))) imported = await this.importAll(name, key, byHash);
    const jobId = trainJobs(this.ctx).start({ ...req.request, dataset: name });
    return { jobId, dataset: name, imported };
  }

  private async importAll(name: string, key: string, byHash: Map<string, string>): Promise<number> {
    // The dataset's folder: one link per image (named for the walk, which takes images by extension).
    const dir = path.join(this.root, 'datasets', key);
    await mkdir(dir, { recursive: true });
    for (const [hash, ext] of byHash) {
      const target = path.join(dir, `${hash}${ext}`);
      if (await stat(target).catch(() => undefined)) continue;
      await link(this.blobFile(hash), target).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') return;
        await copyFile(this.blobFile(hash), target);
      });
    }
    const jobs = importJobs(this.ctx);
    const started = jobs.start({ paths: [dir], dataset: name, description: 'images a studio sent to this training host' });
    const s = await jobs.wait(started.jobId);
    const first = s.failed[0];
    if (s.state !== 'done' || first)
      throw new StudioError(
        'bad-request',
        `the host could not import ${first ? `every image (${first.error})` : `the images (${s.error ?? s.state})`}`,
      );
    return s.added;
  }

  /** A training job that a studio started here (and so may follow, cancel and fetch). */
  ownsJob(jobId: number): boolean {
    const job = this.catalog.jobs.get(jobId);
    if (!job || job.kind !== TRAIN_JOB_KIND) return false;
    try {
      return trainInputOf(job).request.dataset.startsWith(HOST_DATASET_PREFIX);
    } catch {
      return false;
    }
  }

  /** The job's end as its event, when it has ended (a host restarted mid-training says so). */
  endOf(jobId: number): HostEvent | undefined {
    const job = this.catalog.jobs.require(jobId);
    if (trainJobs(this.ctx).isRunning(jobId)) return undefined;
    if (job.state === 'done' && job.result) return { name: 'trainFinished', payload: { ok: true, result: job.result as TrainResult } };
    if (job.state === 'running' || job.state === 'paused' || job.state === 'queued') return undefined;
    const error = job.state === 'interrupted' ? 'the training host stopped during the training' : (job.error ?? job.state);
    return { name: 'trainFinished', payload: { ok: false, error, cancelled: job.state === 'cancelled' } };
  }

  cancel(jobId: number): Promise<boolean> {
    return trainJobs(this.ctx).cancel(jobId);
  }

  /** The trained model as a .lsmodel file under the home's tmp; the caller removes it. */
  async exportModelOf(jobId: number): Promise<string> {
    const job = this.catalog.jobs.require(jobId);
    const id = job.state === 'done' ? (job.result as TrainResult | null)?.model : undefined;
    const model = id === undefined ? undefined : this.catalog.models.get(id);
    if (!model) throw new StudioError('conflict', `training job ${jobId} has no model (it is ${job.state})`);
    const file = path.join(this.ctx.home.tmpDir, partName(`${model.id}.lsmodel`));
    // exportModel wants the extension; the writer's name keeps clean-ups off it while it lives.
    const out = `${file}.lsmodel`;
    await exportModel(this.catalog, model, out);
    return out;
  }
}

export function trainingHost(ctx: CoreContext): TrainingHost {
  return ctx.resource('remote.trainingHost', () => new TrainingHost(ctx));
}
