// Makes the small trained model that test/core/engine/models/learned.quality.test.ts checks the quality
// slider on (test/fixtures/learned-quality/): a factorized N16/M16 model with three lambdas,
// trained by the studio's own trainer on the landscape crops of test/fixtures. Rerun when the
// family's parameters or the model folder format change:
//   node bin/run-ts.js scripts/dev/quality-fixture.ts [--steps 600]
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { saveLearnedDir } from '../../src-main/core/engine/learned-io.js';
import type { ModelCard } from '../../src-main/core/engine/model-card.js';
import { trainRateDistortion } from '../../src-main/core/engine/train-rd.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '600' } } });
const ROOT = path.resolve(import.meta.dirname, '../..');
const src = path.join(ROOT, 'test/fixtures/landscapes-small');
const files = readdirSync(src)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => path.join(src, f));
const out = path.join(ROOT, 'test/fixtures/learned-quality/model');
const hyper = { arch: 'factorized' as const, n: 16, m: 16, lambdas: [0.003, 0.01, 0.03], crop: 64 };
const info = await chooseBackend();
const trained = await trainRateDistortion(
  {
    hyper,
    channels: 3,
    distortion: 'mse',
    trainFiles: files,
    valFiles: files.slice(0, 2),
    batchSize: 8,
    learningRate: 2e-3,
    seed: 5,
    steps: Number(values.steps),
    stepsPerEpoch: 100,
    warmupSteps: 20,
    dropAt: 0.8,
    clipNorm: 1,
    valSamples: 6,
  },
  { progress: () => {}, signal: new AbortController().signal, checkpoint: async () => {} },
  { onEpoch: (e) => console.error(`step ${e.step}: ${e.val.map((v) => `${v.bpp.toFixed(3)} bpp ${v.psnr.toFixed(2)} dB`).join(', ')}`) },
);
const card: ModelCard = {
  cardVersion: 1,
  id: 'quality-fixture',
  name: 'quality fixture',
  arch: 'factorized',
  hyper,
  channels: 3,
  tile: 0,
  loss: 'mse',
  dataset: { id: null, name: 'landscapes-small', trainImages: files.length, valImages: 2 },
  dataStats: { mean: 0, std: 0, min: 0, max: 1, samples: 0 },
  training: {
    epochs: trained.history.length,
    batchSize: 8,
    learningRate: 2e-3,
    seed: 5,
    backend: info.backend,
    seconds: trained.trainSeconds,
    samplesPerSecond: trained.samplesPerSecond,
    stoppedEarly: false,
    noise: 'uniform[-0.5,0.5]',
    steps: trained.steps,
  },
  history: [],
  codeRange: { min: 0, max: 0 },
  params: { encoder: 0, decoder: 0 },
  decoderBytes: 0,
  rd: trained.history.at(-1)!.val,
  createdAt: new Date().toISOString(),
};
rmSync(out, { recursive: true, force: true });
mkdirSync(path.dirname(out), { recursive: true });
await saveLearnedDir(out, trained.params, trained.tables, card);
console.log(`saved ${out}: ${trained.steps} steps in ${trained.trainSeconds.toFixed(0)} s`);
