// The Batch view's "Run on workers (queue)", in Chromium through the served studio: a real
// redis-server (with a password) and one `latent-studio worker` process started here. The queue
// is saved in the view's settings (its password never shown back), a folder is uploaded and sent
// to the worker, the progress counts the worker, and the summary and the outputs are those of a
// local batch of the same files.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { haveRedis, RedisServer } from '../core/queue/redis-server.ts';
import { WorkerProcess } from '../core/queue/worker-process.ts';
import { callContract, expect, test } from './fixtures.ts';
import { clippedText, WINDOW_SIZES } from './layout.ts';

const DIGITS = path.resolve(import.meta.dirname, '../fixtures/digits');
const PASSWORD = 'pw-e2e-Zq9-never-on-the-page';

test.skip(!haveRedis, 'redis-server is not installed');

test('a batch on the queue: settings, run on a worker process, the local summary and outputs', async ({ page, studioServer }) => {
  test.setTimeout(150_000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-queue-'));
  let redis: RedisServer | undefined;
  let worker: WorkerProcess | undefined;
  try {
    const inputs = path.join(tmp, 'digits');
    mkdirSync(inputs);
    for (const f of readdirSync(DIGITS)
      .filter((n) => n.endsWith('.png'))
      .sort()
      .slice(0, 8))
      writeFileSync(path.join(inputs, f), readFileSync(path.join(DIGITS, f)));
    mkdirSync(path.join(tmp, 'redis'));
    redis = await RedisServer.start(path.join(tmp, 'redis'), PASSWORD);
    // The worker sees the studio's uploads and the output folder at the same paths (one machine here).
    worker = await WorkerProcess.start(redis.url, path.join(tmp, 'worker-home'), [studioServer.home, tmp]);

    await page.goto(`${studioServer.launchUrl}#/batch`);
    const batch = page.getByRole('main', { name: 'Batch' });
    const onWorkers = batch.getByLabel('Run on workers (queue)');
    // No queue saved yet: the option is there but cannot be chosen.
    await expect(onWorkers).toBeDisabled();
    await batch.getByRole('button', { name: 'Queue settings…' }).click();
    await batch.getByLabel('Queue', { exact: true }).fill(redis.url);
    await batch.getByRole('button', { name: 'Save' }).click();
    const shown = `redis://:***@127.0.0.1:${redis.port}`;
    await expect(batch.getByTestId('queue-shown')).toContainText(`Saved: ${shown}`);
    await expect(batch.getByLabel('Queue', { exact: true })).toHaveValue('');
    await expect(onWorkers).toBeEnabled();

    await batch.locator('input[webkitdirectory]').setInputFiles(inputs);
    await expect(batch.getByTestId('batch-input')).toContainText('digits');
    const out = path.join(tmp, 'out-workers');
    await batch.getByLabel('Output folder').fill(out);
    await onWorkers.check();
    await batch.getByRole('button', { name: 'Start compress on workers' }).click();
    const summary = batch.getByTestId('batch-summary');
    await expect(summary).toContainText('Finished: 8 written, 0 skipped, 0 failed of 8', { timeout: 90_000 });
    await expect(batch.getByText('1 worker', { exact: true })).toBeVisible();
    await expect(batch.getByText('on the queue’s workers')).toBeVisible();
    await page.screenshot({ path: 'test-results/batch-workers.png', fullPage: true });

    // The same files in a local batch of this studio, through the contract: the same bytes.
    const modelId = await batch.getByLabel('Model').inputValue();
    const uploaded = readdirSync(path.join(studioServer.home, 'uploads')).map((b) => path.join(studioServer.home, 'uploads', b, 'digits'));
    expect(uploaded).toHaveLength(1);
    const localOut = path.join(tmp, 'out-local');
    const req = { kind: 'compress', inputs: uploaded, outDir: localOut, modelId, quality: 75, measure: true, skipExisting: true };
    const started = await callContract<{ jobId: number }>(page, 'startBatch', req);
    const local = await callContract<{ kind: string; result: { files: unknown[] } }>(page, 'awaitJob', { jobId: started.jobId });
    expect(local.kind).toBe('batch.compress');
    expect(local.result.files).toHaveLength(8);
    const files = readdirSync(localOut).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(out, f)).equals(readFileSync(path.join(localOut, f))), f).toBe(true);

    // The view with the queue's settings open cuts no text at the usual window sizes.
    for (const size of WINDOW_SIZES) {
      await page.setViewportSize(size);
      expect(await clippedText(page), `${size.width}x${size.height}`).toEqual([]);
    }

    // The password stayed out of the page and is kept in a file only its user can read.
    expect(await page.content()).not.toContain(PASSWORD);
    expect(statSync(path.join(studioServer.home, 'settings.json')).mode & 0o777).toBe(0o600);
  } finally {
    await worker?.stop('SIGKILL');
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
