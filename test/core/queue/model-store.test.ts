// Models through the queue's side storage, against a real redis-server: published once under the
// hash of their weights, fetched into a worker's home with every file checked, and refused when
// the stored file is another model's or damaged.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { modelKey } from '../../../src-main/core/queue/job-data.js';
import { ModelCache, publishModel } from '../../../src-main/core/queue/model-store.js';
import { Studio } from '../../../src-main/core/studio.js';
import { ensureHome, studioHome } from '../../../src-main/core/system/home.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { haveRedis, RedisServer } from './redis-server.js';

let tmp: ReturnType<typeof makeTmpDir>;
let redis: RedisServer;
let client: Redis;
let studio: Studio;

describe.skipIf(!haveRedis)('models in the queue side storage', () => {
  beforeAll(async () => {
    tmp = makeTmpDir('ls-model-store-');
    redis = await RedisServer.start(tmp.dir, 'pw');
    client = new Redis(redis.url, { maxRetriesPerRequest: null });
    studio = new Studio({ homeDir: path.join(tmp.dir, 'studio'), host: 'test' });
  });

  afterAll(async () => {
    client?.disconnect();
    await studio?.close();
    await redis?.stop();
    tmp?.cleanup();
  });

  it('publishes a model once and a worker fetches the same files into its home', async () => {
    const catalog = getCatalog(studio.context);
    const rec = catalog.models.get('base-small')!;
    const key = await publishModel(client, catalog, studio.home, rec);
    expect(key).toBe(modelKey(rec.weightsHash));
    const stored = await client.getBuffer(key);
    // A second batch only refreshes the expiry.
    expect(await publishModel(client, catalog, studio.home, rec)).toBe(key);
    expect((await client.getBuffer(key))!.equals(stored!)).toBe(true);
    const home = ensureHome(studioHome(path.join(tmp.dir, 'worker')));
    const cache = new ModelCache(home, client);
    const m = { id: rec.id, weightsHash: rec.weightsHash, ref: rec.id, key };
    const dir = await cache.ensure(m);
    expect(dir).toBe(path.join(home.root, 'cache', 'queue-models', rec.weightsHash));
    for (const f of ['params.bin', 'params.json', 'tables.bin', 'card.json'])
      expect(readFileSync(path.join(dir, f)).equals(readFileSync(path.join(rec.dir, f)))).toBe(true);
  });

  it("refuses another model's file under a hash, and a damaged one, leaving nothing in the cache", async () => {
    const catalog = getCatalog(studio.context);
    const rec = catalog.models.get('base-small')!;
    const good = (await client.getBuffer(modelKey(rec.weightsHash)))!;
    const other = 'cd'.repeat(32);
    await client.set(modelKey(other), good);
    const home = ensureHome(studioHome(path.join(tmp.dir, 'worker-2')));
    const cache = new ModelCache(home, client);
    await expect(cache.ensure({ id: rec.id, weightsHash: other, ref: rec.id, key: modelKey(other) })).rejects.toThrow(
      /is model base-small with weights [0-9a-f]{12}, not the job's/,
    );
    const damaged = Buffer.from(good);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 0xff;
    await client.set(modelKey(rec.weightsHash), damaged);
    await expect(cache.ensure({ id: rec.id, weightsHash: rec.weightsHash, ref: rec.id, key: modelKey(rec.weightsHash) })).rejects.toThrow(
      /does not match its checksum/,
    );
    expect(existsSync(path.join(home.root, 'cache', 'queue-models', rec.weightsHash))).toBe(false);
    await client.del(modelKey(rec.weightsHash));
    await expect(cache.ensure({ id: rec.id, weightsHash: rec.weightsHash, ref: rec.id, key: modelKey(rec.weightsHash) })).rejects.toThrow(
      /not in the queue's side storage/,
    );
  });
});
