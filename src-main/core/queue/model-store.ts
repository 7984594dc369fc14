// Models travel with the jobs: the submitter puts each model's .lsmodel into Redis side storage
// (under the hash of its weights), and a worker that lacks it fetches it once, checks every file
// against the .lsmodel's checksums and the index against the job's weights hash, and keeps it in
// <home>/cache/queue-models/<hash>/. The coding thread checks the loaded weights' hash again
// (model-thread.ts), so a worker never codes with other weights than the job names.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Catalog } from '../catalog/index.js';
import { decodeLsModel } from '../catalog/lsmodel/format.js';
import { exportModel } from '../catalog/lsmodel/transfer.js';
import type { ModelRecord } from '../catalog/types.js';
import { StudioError } from '../contract/errors.js';
import type { StudioHome } from '../system/home.js';
import { modelKey, type QueueModel } from './job-data.js';

/** Largest .lsmodel the queue carries (a Redis string holds at most 512 MB; base models are a few MB). */
export const MAX_QUEUE_MODEL_BYTES = 256 * 1024 * 1024;
/** How long a model stays in side storage after the last batch that needed it. */
const MODEL_TTL_SECONDS = 7 * 24 * 3600;

/** Submitter: makes sure side storage holds the model's .lsmodel; returns its key. */
export async function publishModel(client: Redis, catalog: Catalog, home: StudioHome, rec: ModelRecord): Promise<string> {
  const key = modelKey(rec.weightsHash);
  // Refreshing the expiry of a stored one is enough: the key is the weights' hash.
  if ((await client.expire(key, MODEL_TTL_SECONDS)) === 1) return key;
  const tmp = path.join(home.tmpDir, `queue-${rec.id}-${randomBytes(4).toString('hex')}.lsmodel`);
  try {
    await exportModel(catalog, rec, tmp, { overwrite: true });
    const bytes = await readFile(tmp);
    if (bytes.length > MAX_QUEUE_MODEL_BYTES)
      throw new StudioError(
        'unsupported',
        `model ${rec.id}: ${bytes.length} bytes as a .lsmodel, over the ${MAX_QUEUE_MODEL_BYTES} the queue carries`,
      );
    await client.set(key, bytes, 'EX', MODEL_TTL_SECONDS);
  } finally {
    await rm(tmp, { force: true });
  }
  return key;
}

/** Worker: the folders of the models it has, fetched at most once per process. */
export class ModelCache {
  private readonly fetching = new Map<string, Promise<string>>();
  private readonly dir: string;

  constructor(
    private readonly home: StudioHome,
    private readonly client: Redis,
  ) {
    this.dir = path.join(home.root, 'cache', 'queue-models');
  }

  folderOf(m: Pick<QueueModel, 'weightsHash'>): string {
    return path.join(this.dir, m.weightsHash);
  }

  /** The model's folder, fetched and checked first if this worker lacks it. */
  ensure(m: QueueModel): Promise<string> {
    let p = this.fetching.get(m.weightsHash);
    if (!p) {
      p = this.fetch(m);
      this.fetching.set(m.weightsHash, p);
      p.catch(() => this.fetching.delete(m.weightsHash));
    }
    return p;
  }

  /** A cached folder whose weights turned out wrong: removed, so the next job fetches it anew. */
  async discard(m: Pick<QueueModel, 'weightsHash'>): Promise<void> {
    this.fetching.delete(m.weightsHash);
    await rm(this.folderOf(m), { recursive: true, force: true });
  }

  private async fetch(m: QueueModel): Promise<string> {
    const dir = this.folderOf(m);
    if (existsSync(dir)) return dir;
    const label = `model ${m.id} (${m.weightsHash.slice(0, 12)}) from the queue`;
    const bytes = await this.client.getBuffer(m.key);
    if (!bytes) throw new StudioError('not-found', `${label}: not in the queue's side storage (it expired: submit the batch again)`);
    if (bytes.length > MAX_QUEUE_MODEL_BYTES) throw new StudioError('bad-request', `${label}: ${bytes.length} bytes, over the limit`);
    // Every file against its checksum, paths that cannot leave the folder (format.ts).
    const { index, files } = decodeLsModel(label, bytes);
    if (index.model.weightsHash !== m.weightsHash)
      throw new StudioError(
        'bad-request',
        `${label}: the file is model ${index.model.id} with weights ${index.model.weightsHash.slice(0, 12)}, not the job's`,
      );
    const staging = path.join(this.home.tmpDir, `queue-model-${m.weightsHash.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    try {
      for (const f of files) {
        const target = path.join(staging, ...f.path.split('/'));
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, f.bytes, { flag: 'wx' });
      }
      await mkdir(this.dir, { recursive: true });
      await rename(staging, dir).catch((err: NodeJS.ErrnoException) => {
        // Another worker on this home put the same weights in place first.
        if (!existsSync(dir)) throw err;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return dir;
  }
}
