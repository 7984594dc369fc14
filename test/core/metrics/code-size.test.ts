// The code-size sweep: two tiny dense models really trained on the sample digits, differing only
// in code size, each evaluated on the same test images beside WebP; one table and one set of curves.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { trainRequestFor } from '../../../src-main/core/metrics/code-size.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { collectJobEvents, jobOutcome, jobResult, onJobProgress } from '../../helpers/jobs.js';

const sample = path.resolve(__dirname, '../../../resources/sample/digits');
let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;

beforeAll(async () => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  const imp = await studio.call('importPaths', { paths: [sample], dataset: 'digits' });
  await jobResult(studio, 'import', imp.jobId);
}, 60_000);

afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('code-size sweep', () => {
  it('trains models differing only in code size and evaluates each on the same images', async () => {
    const { events: seen, off } = collectJobEvents(studio, 'eval.codesize', 'progress');
    const started = await studio.call('sweepCodeSizes', {
      dataset: 'digits',
      codeSizes: [4, 32],
      train: { arch: 'dense-prior', epochs: 3, seed: 7, layers: [64] },
      codecs: ['webp'],
      qualities: [10, 60, 100],
      classicalQualities: { webp: [10, 50, 90] },
      maxImages: 4,
    });
    const r = await jobResult(studio, 'eval.codesize', started.jobId);
    off();
    expect(r.rows.map((row) => row.codeSize)).toEqual([4, 32]);
    expect(r.images).toBe(4);
    expect(Object.keys(r.curves).sort()).toEqual(['latent-32', 'latent-4', 'webp']);
    const cat = getCatalog(studio.context);
    const cards = r.rows.map(
      (row) =>
        cat.models.get(row.model!)!.card as {
          hyper: { codeSize: number; encoderLayers: number[] };
          training: { seed: number; epochs: number };
        },
    );
    // Only the code size differs.
    expect(cards.map((c) => c.hyper.codeSize)).toEqual([4, 32]);
    expect(cards.map((c) => c.hyper.encoderLayers)).toEqual([[64], [64]]);
    expect(cards.map((c) => c.training.seed)).toEqual([7, 7]);
    for (const row of r.rows) {
      expect(row.error).toBeUndefined();
      expect(row.trainSeconds).toBeGreaterThan(0);
      expect(row.modelBytes).toBeGreaterThan(row.decoderBytes!);
      expect(row.parameters).toBeGreaterThan(0);
      expect(row.curve).toBe(`latent-${row.codeSize}`);
      expect(Object.keys(row.bdRate)).toEqual(['webp']);
      expect(row.bdRatePsnr.webp === null).toBe(!row.bdRate.webp!.psnr.ok);
    }
    // A bigger code costs more bits per image at the same quality setting.
    expect(r.curves['latent-32']!.bytes[2]!).toBeGreaterThan(r.curves['latent-4']!.bytes[2]!);
    // The classical codec was measured once, with the first model.
    const evs = await studio.call('listEvaluations', {});
    expect(evs.evaluations.map((e) => e.codecs)).toEqual([['latent'], ['latent', 'webp']]);
    // ...yet every model's stored evaluation carries its BD-rate against it (the chart's BD-rate table).
    for (const row of r.rows) {
      const ev = await studio.call('getEvaluation', { id: row.evaluationId! });
      // Through JSON, as the catalog stores it (a -0 comes back as 0).
      expect(ev.bdRate).toEqual(JSON.parse(JSON.stringify(row.bdRate)));
    }
    expect(evs.evaluations.map((e) => Object.keys(e.bdRatePsnr))).toEqual([['webp'], ['webp']]);
    expect(seen.map((p) => `${p.codeSize}:${p.phase}`)).toEqual(['4:train', '4:eval', '4:done', '32:train', '32:eval', '32:done']);
    // Stored with the job: readable again once finished.
    expect(await jobResult(studio, 'eval.codesize', started.jobId)).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('maps the code size onto the architecture parameter', () => {
    expect(trainRequestFor({ dataset: 'd', codeSizes: [], train: { arch: 'conv', epochs: 2 } }, 16)).toMatchObject({
      dataset: 'd',
      arch: 'conv',
      epochs: 2,
      codeSize: 16,
      codeChannels: 16,
    });
    expect(trainRequestFor({ dataset: 'd', codeSizes: [] }, 1024)).not.toHaveProperty('codeChannels');
  });

  it('cancels the training in progress and ends the job as cancelled', async () => {
    let jobId = 0;
    const off = onJobProgress(studio, 'eval.codesize', (p) => {
      // The job id is known before the first event.
      if (p.phase === 'train') {
        expect(p.jobId).toBe(jobId);
        void studio.call('cancelJob', { jobId });
      }
    });
    const started = await studio.call('sweepCodeSizes', {
      dataset: 'digits',
      codeSizes: [8, 16],
      train: { epochs: 50, seed: 1 },
      codecs: ['webp'],
    });
    jobId = started.jobId;
    await expect(jobResult(studio, 'eval.codesize', jobId)).rejects.toMatchObject({ code: 'cancelled' });
    off();
    const job = getCatalog(studio.context).jobs.get(jobId)!;
    expect(job.state).toBe('cancelled');
    // Cancelled during the first model's training: nothing was evaluated.
    expect((await studio.call('listEvaluations', {})).evaluations.filter((e) => e.name.startsWith('code size 8 '))).toEqual([]);
    // Awaited again once ended: answered at once, cancelled, with no result.
    const again = await jobOutcome(studio, 'eval.codesize', jobId);
    expect(again).toMatchObject({ state: 'cancelled' });
    expect(again.result).toBeUndefined();
  });

  it('refuses an unknown dataset', async () => {
    await expect(studio.call('sweepCodeSizes', { dataset: 'nope', codeSizes: [8] })).rejects.toThrow(/dataset nope is not in the catalog/);
  });
});
