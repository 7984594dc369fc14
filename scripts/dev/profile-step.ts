// Kernel time profile of one rate-distortion training step (forward + autograd) of a family, to
// find what the wasm backend spends its time on. Run alone:
//   node bin/run-ts.js scripts/dev/profile-step.ts [hyperprior|factorized] [steps]
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { learnedImpl } from '../../src-main/core/engine/models/registry.js';

const arch = process.argv[2] ?? 'hyperprior';
const steps = Number(process.argv[3] ?? 3);
await chooseBackend();
const hyper = { arch, n: 64, m: 96, lambdas: [0.01], crop: 128 };
const impl = learnedImpl<typeof hyper>(arch);
const params = impl.build(hyper, 3, 1);
const vars = params.variables();
const x = tf.randomUniform([8, 128, 128, 3]);
const step = () =>
  tf.tidy(() => {
    const r = tf.variableGrads(() => {
      const out = impl.forward(params, hyper, x, { training: true, level: 0, noiseSeed: 1 });
      const bpp = tf.addN(out.likelihoods.map((l) => tf.sum(tf.log(l)))).div(-Math.LN2 * 8 * 128 * 128);
      return tf.add(tf.mul(tf.mean(tf.squaredDifference(x, out.xHat)), 0.01 * 65025), bpp) as tf.Scalar;
    }, vars);
    for (const g of Object.values(r.grads)) g.dataSync();
  });
step();
const t0 = performance.now();
const totals = new Map<string, { ms: number; n: number }>();
for (let i = 0; i < steps; i++) {
  const p = await tf.profile(step);
  for (const k of p.kernels) {
    const t = totals.get(k.name) ?? { ms: 0, n: 0 };
    t.ms += Number(k.kernelTimeMs);
    t.n++;
    totals.set(k.name, t);
  }
}
const wall = (performance.now() - t0) / steps;
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const sum = rows.reduce((s, [, t]) => s + t.ms, 0) / steps;
console.log(`${arch}: ${wall.toFixed(0)} ms per profiled step, kernels ${sum.toFixed(0)} ms`);
for (const [name, t] of rows.slice(0, 25))
  console.log(`${name.padEnd(28)} ${(t.ms / steps).toFixed(1).padStart(8)} ms  ${(t.n / steps).toFixed(0).padStart(4)} calls`);
