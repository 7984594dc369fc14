// `latent-studio eval --model ID --dataset NAME` on a tiny dense model really trained on the sample
// digits: the --json document of DESIGN.md section 5 with a latent curve and a BD-rate per codec.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { sink } from '../../helpers/text-sink.js';
import { jobResult } from '../../helpers/jobs.js';

const sample = path.resolve(__dirname, '../../../resources/sample/digits');
let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let modelId: string;

beforeAll(async () => {
  tmp = makeTmpDir();
  home = path.join(tmp.dir, 'home');
  const studio = new Studio({ homeDir: home, host: 'test' });
  try {
    const imp = await studio.call('importPaths', { paths: [sample], dataset: 'digits' });
    await jobResult(studio, 'import', imp.jobId);
    const t = await studio.call('trainModel', { dataset: 'digits', arch: 'dense-prior', codeSize: 24, epochs: 4, seed: 5 });
    modelId = (await jobResult(studio, 'train', t.jobId)).model;
  } finally {
    await studio.close();
  }
}, 120_000);
afterAll(() => tmp.cleanup());

async function run(argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['--home', home, ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cli eval with a model', () => {
  it('--json: model, curves per codec (latent first) and bdRate per classical codec', async () => {
    const r = await run([
      '--json',
      'eval',
      '--model',
      modelId,
      '--dataset',
      'digits',
      '--codecs',
      'jpeg,webp',
      '--qualities',
      '5,40,100',
      '--classical-qualities',
      '10,50,90',
      '--max-images',
      '4',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      model: string;
      curves: Record<string, { bpp: number[]; 'psnr-rgb': number[]; 'ms-ssim-rgb': number[]; effectiveBpp?: number[] }>;
      bdRate: Record<string, number | null>;
      bdRateDetail: Record<string, { psnr: { ok: boolean; message?: string } }>;
      images: number;
    };
    expect(doc.model).toBe(modelId);
    expect(Object.keys(doc.curves)).toEqual(['latent', 'jpeg', 'webp']);
    expect(doc.curves.latent!.bpp).toHaveLength(3);
    expect(doc.curves.latent!.effectiveBpp).toHaveLength(3);
    expect(Object.keys(doc.bdRate).sort()).toEqual(['jpeg', 'webp']);
    for (const [codec, v] of Object.entries(doc.bdRate)) {
      // A number exactly when the detail says the curves overlap.
      expect(v === null).toBe(!doc.bdRateDetail[codec]!.psnr.ok);
    }
    expect(doc.images).toBe(4);
  });

  it('prints the latent table with effective bpp and the BD-rate table', async () => {
    const r = await run([
      'eval',
      '--model',
      modelId,
      '--dataset',
      'digits',
      '--codecs',
      'webp',
      '--qualities',
      '10,90',
      '--classical-qualities',
      '20,80',
      '--max-images',
      '2',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Latent \(this model\) \(decoder \d+ bytes over 2 images\)$/m);
    expect(r.stdout).toMatch(/quality\s+bpp\s+eff\. bpp\s+PSNR dB/);
    expect(r.stdout).toMatch(/^BD-rate of the latent codec/m);
    expect(r.stdout).toMatch(/^\s+webp\s+(\S+%|no overlap|too few points)\s+/m);
  });
});

describe('eval measures the codec that compress writes', () => {
  it('gives the same bytes as compressImages at the same quality, including the calibrated top quality', async () => {
    const studio = new Studio({ homeDir: home, host: 'test' });
    try {
      const image = path.join(sample, 'digit-3-05.png');
      const out = path.join(tmp.dir, 'same-bytes');
      const ev = await studio.call('evaluateModel', { model: modelId, paths: [image], codecs: [], qualities: [30, 100] });
      const result = await jobResult(studio, 'eval', ev.jobId);
      const latent = result.curves.latent!;
      for (const quality of [30, 100]) {
        const c = await studio.call('compressImages', {
          model: modelId,
          paths: [image],
          outDir: out,
          quality,
          overwrite: true,
          keepMetadata: false,
        });
        expect(c.failed).toEqual([]);
        expect(latent.bytes[latent.quality.indexOf(quality)], `quality ${quality}`).toBe(c.files[0]!.bytes);
      }
    } finally {
      await studio.close();
    }
  }, 120_000);
});
