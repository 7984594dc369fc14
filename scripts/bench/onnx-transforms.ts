// Native inference against tfjs: analysis and synthesis throughput of the shipped base-photo
// (hyperprior N 64 / M 96, 4 stages) on a crop of a large photo (D_large_photos; default a
// 1280x1024 crop, 1.3 MP), on tfjs (this process's backend: wasm here) and on onnxruntime-node with
// 1 and with 2 intra-op threads, in the same run. BENCH_REPEAT (default 3) timed calls each after
// one warm-up. Figures: megapixels per wall-clock second, per CPU second of this process (all its
// threads) and GMAC/s from the transforms' MAC per pixel (layers/mac.ts). The load average is
// printed before and after: on a busy machine lean on the per-CPU-second figures. The first call
// (the warm-up) of an ONNX runner includes writing its graph and creating its session.
//   node bin/run-ts.js scripts/bench/onnx-transforms.ts [photo.jpg] [WxH]
import os from 'node:os';
import path from 'node:path';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { loadLearnedDir } from '../../src-main/core/engine/learned-io.js';
import { readCard } from '../../src-main/core/engine/model-io.js';
import { gainsAtQuality } from '../../src-main/core/engine/models/layers/gains.js';
import { analysisMac, synthesisMac } from '../../src-main/core/engine/models/layers/mac.js';
import {
  tfjsRunner,
  tileDifference,
  type TensorTile,
  type TransformRunner,
} from '../../src-main/core/engine/models/layers/transform-runner.js';
import { onnxRunner, onnxStatus } from '../../src-main/core/engine/onnx/runner.js';
import { toFloat } from '../../src-main/core/imaging/pixels.js';
import { crop } from '../../src-main/core/engine/float-image.js';
import { readImage } from '../../src-main/core/imaging/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const photo = process.argv[2] || path.resolve(root, '../shared/data/D_large_photos/plasma_Kite_2560x1600.jpg');
const [cw, ch] = (process.argv[3] ?? '1280x1024').split('x').map(Number) as [number, number];
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
if (photo.includes('P_pretrain_photos'))
  throw new Error(`${photo}: the pretraining photos are the base's training data; bench on D_large_photos`);
if (cw % 64 || ch % 64) throw new Error(`crop ${cw}x${ch}: both sides must be multiples of 64 (the hyperprior's padding)`);

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const info = await chooseBackend();
const status = await onnxStatus();
console.log(
  `tfjs backend ${info.backend}; ${status.reason}; ${os.cpus().length} cores; load average ${load()}; ${repeat} timed calls after a warm-up`,
);

const dir = path.join(root, 'resources/models/base-photo');
const card = await readCard(dir);
const loaded = await loadLearnedDir(dir, card);
const params = loaded.runtime.params;
const hyper = card.hyper as { n: number; m: number; lambdas: number[] };
const full = toFloat(await readImage(photo, { channels: 3 }), 3);
if (full.width < cw || full.height < ch) throw new Error(`${photo}: ${full.width}x${full.height} is smaller than the ${cw}x${ch} crop`);
const img = crop(full, Math.floor((full.width - cw) / 2), Math.floor((full.height - ch) / 2), cw, ch);
const mp = (cw * ch) / 1e6;
const mac = { analysis: analysisMac(3, hyper.n, hyper.m), synthesis: synthesisMac(3, hyper.n, hyper.m) };
console.log(
  `${path.basename(photo)}, centre crop ${cw}x${ch} (${mp.toFixed(2)} MP); MAC/px analysis ${Math.round(mac.analysis)}, synthesis ${Math.round(mac.synthesis)}`,
);

const x: TensorTile = { data: img.data, h: ch, w: cw, c: 3 };
const tfjs = tfjsRunner(params, 4);
const yRef = await tfjs.analysis(x);
const { gain, igain } = gainsAtQuality(params, hyper.lambdas, hyper.m, 75);
const yHat: TensorTile = { ...yRef, data: yRef.data.map((v, i) => Math.round(v * gain[i % hyper.m]!) * igain[i % hyper.m]!) };
const xRef = await tfjs.synthesis(yHat);

function worstRelative(got: TensorTile, want: TensorTile): number {
  const { worst, range } = tileDifference(got, want);
  return worst / range;
}

async function time(f: () => Promise<TensorTile>): Promise<{ wall: number; cpu: number; first: number; out: TensorTile }> {
  const tf0 = performance.now();
  let out = await f();
  const first = (performance.now() - tf0) / 1000;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) out = await f();
  const wall = (performance.now() - t0) / 1000 / repeat;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 / repeat, first, out };
}

const runners: Array<[string, () => Promise<TransformRunner | undefined>]> = [
  [`tfjs ${info.backend}`, async () => tfjs],
  ['onnxruntime, 1 thread', () => onnxRunner(params, 4, { threads: 1 })],
  ['onnxruntime, 2 threads', () => onnxRunner(params, 4, { threads: 2 })],
];
const fmt = (name: string, dir: 'analysis' | 'synthesis', t: { wall: number; cpu: number; first: number }, agree: string) =>
  `${name.padEnd(24)} ${dir.padEnd(9)} ${(mp / t.wall).toFixed(2).padStart(6)} MP/s wall, ${(mp / t.cpu).toFixed(2).padStart(6)} MP/CPU-s; ` +
  `${((mac[dir] * mp * 1e6) / t.wall / 1e9).toFixed(1).padStart(5)} GMAC/s wall, ${((mac[dir] * mp * 1e6) / t.cpu / 1e9).toFixed(1).padStart(5)} GMAC/CPU-s; first call ${t.first.toFixed(2)} s${agree}`;
for (const [name, make] of runners) {
  const r = await make();
  if (!r) {
    console.log(`${name}: not available (${status.reason})`);
    continue;
  }
  try {
    const a = await time(() => r.analysis(x));
    const s = await time(() => r.synthesis(yHat));
    const same = (t: TensorTile, ref: TensorTile) =>
      r === tfjs ? '' : `; max |diff| ${worstRelative(t, ref).toExponential(1)} of the range`;
    console.log(fmt(name, 'analysis', a, same(a.out, yRef)));
    console.log(fmt(name, 'synthesis', s, same(s.out, xRef)));
  } finally {
    if (r !== tfjs) r.dispose();
  }
}
console.log(`load average after: ${load()}`);
loaded.dispose();
