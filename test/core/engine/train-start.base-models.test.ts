// Built-in base models and fine-tuning, end to end through the CLI on real files: a tiny base made
// by the real trainer is written as a shipped base folder (writeBaseModel), registered read-only in
// a fresh studio (refused deletion), and a training on the digit fixtures starts from its exact
// weights (sha256 of its params.bin against the hash the training recorded) and lowers the
// validation rate-distortion loss it started at; --from-scratch and bad --init-from are handled.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { writeBaseModel } from '../../../src-main/core/engine/base-export.js';
import { paramsHash, saveLearnedDir } from '../../../src-main/core/engine/learned-io.js';
import { startGainsAt } from '../../../src-main/core/engine/models/layers/gains.js';
import type { ParamManifestEntry } from '../../../src-main/core/engine/models/layers/params.js';
import type { ModelCard } from '../../../src-main/core/engine/model-card.js';
import type { FactorizedHyper } from '../../../src-main/core/engine/models/factorized/meta.js';
import { FINE_TUNE_RATE_FACTOR } from '../../../src-main/core/engine/models/family-meta.js';
import { trainRateDistortion } from '../../../src-main/core/engine/train-rd.js';
import { collectingIO, digitSplit, FIXTURES } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { runCli } from '../../cli/run-cli.js';

let tmp: ReturnType<typeof makeTmpDir>;
let savedEnv: string | undefined;
const BASE: FactorizedHyper = { arch: 'factorized', n: 8, m: 4, lambdas: [0.003, 0.02], crop: 20, stages: 2 };

const cli = runCli;

/** Sum over the levels of lambda * 255^2 * MSE + bpp, from validation points (PSNR of 8-bit pixels). */
function rdLoss(points: { lambda: number; bpp: number; psnr: number }[]): number {
  return points.reduce((s, p) => s + p.lambda * 255 * 255 * 10 ** (-p.psnr / 10) + p.bpp, 0);
}

beforeAll(async () => {
  await chooseBackend();
  tmp = makeTmpDir('ls-base-');
  // A tiny base trained by the real trainer on the digit fixtures, saved and shipped like a real one.
  const { train, val } = digitSplit();
  const trained = await trainRateDistortion(
    {
      hyper: BASE,
      channels: 1,
      distortion: 'mse',
      trainFiles: train,
      valFiles: val,
      batchSize: 8,
      learningRate: 1e-3,
      seed: 5,
      steps: 6,
      stepsPerEpoch: 6,
      warmupSteps: 0,
      dropAt: 1,
      clipNorm: 1,
      valSamples: 16,
    },
    collectingIO(),
  );
  const src = path.join(tmp.dir, 'trained');
  const card = {
    cardVersion: 1,
    id: 'm-tiny',
    name: 'tiny',
    arch: 'factorized',
    hyper: BASE,
    channels: 1,
    tile: 0,
    loss: 'mse',
    rd: trained.history.at(-1)!.val,
  };
  await saveLearnedDir(src, trained.params, trained.tables, card as unknown as ModelCard);
  trained.params.dispose();
  await writeBaseModel(src, path.join(tmp.dir, 'resources', 'models', 'base-tiny'), {
    id: 'base-tiny',
    name: 'Tiny base',
    corpus: 'digit fixtures',
  });
  savedEnv = process.env.LATENT_STUDIO_RESOURCES;
  process.env.LATENT_STUDIO_RESOURCES = path.join(tmp.dir, 'resources');
});

afterAll(() => {
  if (savedEnv === undefined) delete process.env.LATENT_STUDIO_RESOURCES;
  else process.env.LATENT_STUDIO_RESOURCES = savedEnv;
  tmp?.cleanup();
});

describe('built-in base models', () => {
  it('are registered read-only in a fresh studio and cannot be deleted', async () => {
    const home = path.join(tmp.dir, 'h1');
    const list = await cli(home, '--json', 'models');
    expect(list.code, list.stderr).toBe(0);
    const models = (JSON.parse(list.stdout) as { models: { id: string; builtin: boolean; datasetId: number | null }[] }).models;
    expect(models).toEqual([expect.objectContaining({ id: 'base-tiny', builtin: true, datasetId: null })]);
    const del = await cli(home, 'models', 'delete', 'base-tiny', '--force');
    expect(del.code).toBe(1);
    expect(del.stderr).toMatch(/base-tiny .*built-in base model and cannot be deleted/);
    const again = JSON.parse((await cli(home, '--json', 'models')).stdout) as { models: { id: string }[] };
    expect(again.models.map((m) => m.id)).toEqual(['base-tiny']);
  });

  it('a fine-tune starts from the base weights exactly and lowers the validation RD loss it started at', async () => {
    const home = path.join(tmp.dir, 'h2');
    expect((await cli(home, '--json', 'import', path.join(FIXTURES, 'digits'), '--dataset', 'digits')).code).toBe(0);
    // The options match the base's shapes, so the default start is the base.
    const t = await cli(
      home,
      '--json',
      'train',
      '--dataset',
      'digits',
      '--color',
      'gray',
      '--channels',
      '8',
      '--code-channels',
      '4',
      '--lambdas',
      '0.003,0.02',
      '--steps',
      '60',
      '--seed',
      '3',
    );
    expect(t.code, t.stderr).toBe(0);
    const r = JSON.parse(t.stdout) as { model: string; arch: string; startedFrom?: { id: string } };
    expect(r.arch).toBe('factorized');
    expect(r.startedFrom?.id).toBe('base-tiny');
    const show = JSON.parse((await cli(home, '--json', 'models', 'show', r.model)).stdout) as { card: ModelCard; dir: string };
    const shipped = readFileSync(path.join(tmp.dir, 'resources', 'models', 'base-tiny', 'params.bin'));
    expect(show.card.startedFrom?.paramsHash).toBe(createHash('sha256').update(shipped).digest('hex'));
    // Small images fine-tune at the family's full rate (photos at a tenth: test/cli/commands/train.estimate.test.ts).
    expect(show.card.training.learningRate).toBeCloseTo(1e-3 * FINE_TUNE_RATE_FACTOR.small, 12);
    const start = show.card.startedFrom!.rd!;
    expect(start).toHaveLength(2);
    expect(rdLoss(show.card.rd!)).toBeLessThan(rdLoss(start));

    // Its evaluation measures the base beside it on the same images, and what the fine-tune bought.
    const ev = await cli(
      home,
      '--json',
      'eval',
      '--model',
      r.model,
      '--dataset',
      'digits',
      '--split',
      'all',
      '--max-images',
      '6',
      '--codecs',
      'webp',
      '--qualities',
      '20,90',
    );
    expect(ev.code, ev.stderr).toBe(0);
    const doc = JSON.parse(ev.stdout) as {
      curves: Record<string, { quality: number[]; bpp: number[] }>;
      start?: { id: string; bdRate: number | null };
    };
    expect(Object.keys(doc.curves).sort()).toEqual(['base', 'latent', 'webp']);
    expect(doc.curves.base!.quality).toEqual([20, 90]);
    expect(doc.start?.id).toBe('base-tiny');
    const plain = await cli(
      home,
      '--json',
      'eval',
      '--model',
      r.model,
      '--dataset',
      'digits',
      '--split',
      'all',
      '--max-images',
      '2',
      '--codecs',
      'webp',
      '--qualities',
      '50',
      '--no-start',
    );
    expect(Object.keys((JSON.parse(plain.stdout) as { curves: object }).curves).sort()).toEqual(['latent', 'webp']);
  });

  it('--from-scratch ignores the base; --init-from checks what it is given', async () => {
    const home = path.join(tmp.dir, 'h3');
    expect((await cli(home, '--json', 'import', path.join(FIXTURES, 'digits'), '--dataset', 'digits')).code).toBe(0);
    const scratch = await cli(
      home,
      '--json',
      'train',
      '--dataset',
      'digits',
      '--color',
      'gray',
      '--channels',
      '8',
      '--code-channels',
      '4',
      '--lambdas',
      '0.003,0.02',
      '--steps',
      '4',
      '--from-scratch',
    );
    expect(scratch.code, scratch.stderr).toBe(0);
    const fresh = JSON.parse(scratch.stdout) as { startedFrom?: unknown; model: string };
    expect(fresh.startedFrom).toBeUndefined();
    const freshCard = (JSON.parse((await cli(home, '--json', 'models', 'show', fresh.model)).stdout) as { card: ModelCard }).card;
    expect(freshCard.training.learningRate).toBe(1e-3);
    // Other shapes than the base's: no default start, a clear error when it is asked for.
    const other = await cli(
      home,
      '--json',
      'train',
      '--dataset',
      'digits',
      '--color',
      'gray',
      '--channels',
      '12',
      '--steps',
      '2',
      '--init-from',
      'base-tiny',
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/--init-from base-tiny: its shapes .* differ from the options asked for/);
    const both = await cli(home, 'train', '--dataset', 'digits', '--init-from', 'base-tiny', '--from-scratch');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/exclude each other/);
    const missing = await cli(home, 'train', '--dataset', 'digits', '--init-from', 'no-such-model');
    expect(missing.stderr).toMatch(/--init-from 'no-such-model': no such model/);
    // By name works too, and the family follows the start model.
    const byName = await cli(home, '--json', 'train', '--dataset', 'digits', '--color', 'gray', '--init-from', 'Tiny base', '--steps', '2');
    expect(byName.code, byName.stderr).toBe(0);
    expect((JSON.parse(byName.stdout) as { startedFrom?: { id: string } }).startedFrom?.id).toBe('base-tiny');
    // The lambdas' count shapes the gain vectors, their values only the training: the same count starts
    // from the base with the values asked for; another count does not fit it.
    const moved = await cli(
      home,
      '--json',
      'train',
      '--dataset',
      'digits',
      '--color',
      'gray',
      '--init-from',
      'base-tiny',
      '--lambdas',
      '0.005,0.04',
      '--steps',
      '2',
    );
    expect(moved.code, moved.stderr).toBe(0);
    const movedOut = JSON.parse(moved.stdout) as { startedFrom?: { id: string }; model: string };
    expect(movedOut.startedFrom?.id).toBe('base-tiny');
    const movedCard = (JSON.parse((await cli(home, '--json', 'models', 'show', movedOut.model)).stdout) as { card: ModelCard }).card;
    expect((movedCard.hyper as { lambdas: number[] }).lambdas).toEqual([0.005, 0.04]);
    // Its gain rows start where the base's would be at the new lambdas, the other weights as shipped.
    const baseDir = path.join(tmp.dir, 'resources', 'models', 'base-tiny');
    const { manifest } = JSON.parse(readFileSync(path.join(baseDir, 'params.json'), 'utf8')) as { manifest: ParamManifestEntry[] };
    const bin = readFileSync(path.join(baseDir, 'params.bin'));
    let at = 0;
    const shipped = manifest.map((e) => {
      const n = e.shape.reduce((a, b) => a * b, 1);
      const a = new Float32Array(bin.buffer.slice(bin.byteOffset + at * 4, bin.byteOffset + (at + n) * 4));
      at += n;
      return a;
    });
    const startAt = startGainsAt(shipped, manifest, BASE.lambdas, [0.005, 0.04]);
    expect(startAt.filter((a, i) => a !== shipped[i]).length).toBe(2);
    expect(movedCard.startedFrom?.paramsHash).toBe(paramsHash(startAt));
    const three = await cli(
      home,
      '--json',
      'train',
      '--dataset',
      'digits',
      '--color',
      'gray',
      '--init-from',
      'base-tiny',
      '--lambdas',
      '0.005,0.01,0.04',
      '--steps',
      '2',
    );
    expect(three.code).toBe(1);
    expect(three.stderr).toMatch(/its shapes .* differ from the options asked for/);
  });
});
