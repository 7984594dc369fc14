// Batch jobs through the contract: a folder compressed by a pool of workers into a mirrored
// output tree, with progress events, kept file dates, catalog records, skip/refuse rules for
// existing outputs, decompression back, pause/resume and cancel/resume without redoing files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { collectJobEvents, jobResult } from '../../helpers/jobs.js';
import { digitFolder, noiseImages, OLD_DATE, studioWithModel, type BatchFixture } from './helpers.js';

let fx: BatchFixture;

beforeAll(async () => {
  fx = await studioWithModel();
});

afterAll(async () => {
  await fx?.close();
});

function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

describe('batch compress and decompress of folders', () => {
  it('mirrors the folder, keeps dates, reports progress and a summary, and records every file', async () => {
    const src = path.join(fx.tmp.dir, 'photos');
    const rels = digitFolder(src);
    const originals = new Map(rels.map((r) => [r, readFileSync(path.join(src, r))]));
    const out = path.join(fx.tmp.dir, 'out');
    const progress = collectJobEvents(fx.studio, 'batch.compress', 'progress');
    const finished = collectJobEvents(fx.studio, 'batch.compress', 'finished');

    const started = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [src],
      outDir: out,
      modelId: fx.model.id,
      workers: 2,
      quality: 60,
    });
    expect(started).toMatchObject({ kind: 'compress', state: 'running', resumed: false });
    const s = await jobResult(fx.studio, 'batch.compress', started.jobId);
    progress.off();
    finished.off();

    expect(s).toMatchObject({ state: 'done', total: rels.length, done: rels.length, failed: [], skipped: [], workers: 2 });
    // Mirrored tree, <stem>.latent, hidden files and the text file not taken.
    expect(listTree(out)).toEqual(rels.map((r) => r.replace(/\.png$/, '.latent')).sort());
    expect(s.files.map((f) => path.relative(src, f.input)).sort()).toEqual([...rels].sort());
    for (const f of s.files) {
      expect(statSync(f.output).size).toBe(f.bytes);
      expect(statSync(f.output).mtime.getTime()).toBe(OLD_DATE.getTime());
      expect(f.bytesIn).toBe(statSync(f.input).size);
    }
    expect(s.bytesIn).toBe(s.files.reduce((n, f) => n + f.bytesIn, 0));
    expect(s.ratio).toBeCloseTo(s.bytesIn / s.bytesOut, 6);
    // Originals untouched.
    for (const [r, bytes] of originals) expect(readFileSync(path.join(src, r)).equals(bytes)).toBe(true);

    const last = progress.events.at(-1)!;
    expect(last).toMatchObject({ jobId: started.jobId, done: rels.length, total: rels.length, written: rels.length, failed: 0 });
    expect(last.mbPerSecond).toBeGreaterThan(0);
    expect(progress.events.filter((e) => e.currentFile).length).toBe(rels.length);
    expect(finished.events).toHaveLength(1);
    expect(finished.events[0]).toMatchObject({ jobId: started.jobId, state: 'done', written: rels.length });

    const catalog = getCatalog(fx.studio.context);
    const latents = catalog.latents.forModel(fx.model.id, 1000).map((l) => l.outputPath);
    for (const f of s.files) expect(latents).toContain(f.output);
    const { jobs } = await fx.studio.call('listJobs', { jobId: started.jobId });
    expect(jobs[0]).toMatchObject({ kind: 'batch.compress', state: 'done', done: rels.length, total: rels.length });

    // Again with skipExisting: nothing is rewritten.
    const again = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [src],
      outDir: out,
      modelId: fx.model.id,
      skipExisting: true,
    });
    const s2 = await jobResult(fx.studio, 'batch.compress', again.jobId);
    expect(s2).toMatchObject({ state: 'done', files: [], failed: [] });
    expect(s2.skipped).toHaveLength(rels.length);
    expect(s2.skipped[0]!.reason).toBe('output exists');

    // Without it, each existing output is reported and left as it was.
    const before = statSync(s.files[0]!.output).ctimeMs;
    const third = await fx.studio.call('startBatch', { kind: 'compress', inputs: [src], outDir: out, modelId: fx.model.id, fresh: true });
    const s3 = await jobResult(fx.studio, 'batch.compress', third.jobId);
    expect(s3.failed).toHaveLength(rels.length);
    expect(s3.failed[0]!.error).toMatch(/already exists/);
    expect(statSync(s.files[0]!.output).ctimeMs).toBe(before);

    // With overwrite, the .latent outputs are replaced (a new file renamed into place).
    const ino = statSync(s.files[0]!.output).ino;
    const fourth = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [src],
      outDir: out,
      modelId: fx.model.id,
      overwrite: true,
    });
    const s4 = await jobResult(fx.studio, 'batch.compress', fourth.jobId);
    expect(s4).toMatchObject({ state: 'done', failed: [], skipped: [] });
    expect(s4.files).toHaveLength(rels.length);
    expect(statSync(s.files[0]!.output).ino).not.toBe(ino);

    // Decompress the output tree back, with a suffix: images at the original size and date.
    const back = path.join(fx.tmp.dir, 'back');
    const d = await fx.studio.call('startBatch', { kind: 'decompress', inputs: [out], outDir: back, suffix: '-restored', workers: 2 });
    const ds = await jobResult(fx.studio, 'batch.decompress', d.jobId);
    expect(ds).toMatchObject({ state: 'done', failed: [] });
    expect(listTree(back)).toEqual(rels.map((r) => r.replace(/\.png$/, '-restored.png')).sort());
    for (const f of ds.files) {
      const meta = await sharp(f.output).metadata();
      expect([meta.width, meta.height]).toEqual([20, 20]);
      expect(statSync(f.output).mtime.getTime()).toBe(OLD_DATE.getTime());
    }
  });

  it('pauses and resumes a running job, and a cancelled job resumes without redoing files', async () => {
    const src = await noiseImages(path.join(fx.tmp.dir, 'many'), 24, 320, 240);
    const out = path.join(fx.tmp.dir, 'many-out');
    const progress = collectJobEvents(fx.studio, 'batch.compress', 'progress');
    const { jobId } = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [path.dirname(src[0]!)],
      outDir: out,
      modelId: fx.model.id,
      workers: 1,
    });

    // Pause after the first file: pauseJob answers once the worker has stopped (the file in flight
    // done), so nothing moves from then until resumeJob.
    await until(() => progress.events.some((e) => e.done >= 1));
    expect(await fx.studio.call('pauseJob', { jobId })).toEqual({ jobId, state: 'paused' });
    const atPause = progress.events.at(-1)!.done;
    expect((await fx.studio.call('listJobs', { jobId })).jobs[0]!.state).toBe('paused');
    await fx.studio.call('resumeJob', { jobId });
    // A file coded while paused would have been reported before its 'resumed'.
    expect(progress.events.at(-1)!.done).toBe(atPause);

    // Cancel a few files later.
    await until(() => progress.events.at(-1)!.done >= atPause + 3);
    expect(await fx.studio.call('cancelJob', { jobId })).toMatchObject({ cancelled: true });
    const cancelled = await jobResult(fx.studio, 'batch.compress', jobId);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.done).toBeLessThan(src.length);
    const firstRun = new Map(cancelled.files.map((f) => [f.output, statSync(f.output).ctimeMs]));
    expect(firstRun.size).toBe(cancelled.done);
    expect(readdirSync(out).filter((n) => n.endsWith('.part'))).toEqual([]);

    // The same request again continues that job: only the rest is done.
    const again = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [path.dirname(src[0]!)],
      outDir: out,
      modelId: fx.model.id,
      workers: 2,
    });
    expect(again).toMatchObject({ jobId, resumed: true });
    const s = await jobResult(fx.studio, 'batch.compress', jobId);
    progress.off();
    expect(s).toMatchObject({ state: 'done', done: src.length, failed: [], skipped: [] });
    expect(s.files).toHaveLength(src.length);
    for (const [file, ctime] of firstRun) expect(statSync(file).ctimeMs).toBe(ctime);
  });

  it('runs one job at a time: a second one waits queued, and a queued job can be cancelled', async () => {
    const src = await noiseImages(path.join(fx.tmp.dir, 'q'), 6, 200, 200);
    const dir = path.dirname(src[0]!);
    const a = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [dir],
      outDir: path.join(fx.tmp.dir, 'qa'),
      modelId: fx.model.id,
    });
    const b = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [dir],
      outDir: path.join(fx.tmp.dir, 'qb'),
      modelId: fx.model.id,
    });
    const c = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [dir],
      outDir: path.join(fx.tmp.dir, 'qc'),
      modelId: fx.model.id,
    });
    expect([a.state, b.state, c.state]).toEqual(['running', 'queued', 'queued']);
    expect(await fx.studio.call('cancelJob', { jobId: c.jobId })).toMatchObject({ cancelled: true, state: 'cancelled' });
    const [sa, sb] = await Promise.all([jobResult(fx.studio, 'batch.compress', a.jobId), jobResult(fx.studio, 'batch.compress', b.jobId)]);
    expect([sa.state, sb.state]).toEqual(['done', 'done']);
    expect(sb.files).toHaveLength(6);
    expect(existsSync(path.join(fx.tmp.dir, 'qc'))).toBe(false);
  });

  it('refuses bad requests at the boundary', async () => {
    await expect(fx.studio.call('startBatch', { kind: 'compress', inputs: [fx.tmp.dir], outDir: fx.tmp.dir })).rejects.toThrow(
      'compress needs modelId',
    );
    await expect(
      fx.studio.call('startBatch', { kind: 'compress', inputs: [fx.tmp.dir], outDir: fx.tmp.dir, modelId: 'nope' }),
    ).rejects.toThrow('model nope is not in the catalog');
    await expect(
      fx.studio.call('startBatch', { kind: 'decompress', inputs: [fx.tmp.dir], outDir: fx.tmp.dir, suffix: '../x' }),
    ).rejects.toThrow('path separators');
    await expect(
      fx.studio.call('startBatch', { kind: 'decompress', inputs: [fx.tmp.dir], outDir: fx.tmp.dir, skipExisting: true, overwrite: true }),
    ).rejects.toThrow('exclude each other');
    await expect(
      fx.studio.call('startBatch', { kind: 'decompress', inputs: [fx.tmp.dir], outDir: fx.tmp.dir, overwrite: true }),
    ).rejects.toThrow('never replaces existing images');
  });
});

async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
