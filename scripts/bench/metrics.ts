// Metric speed on a 2 MP (1920x1080) RGB pair: node bin/run-ts.js scripts/bench/metrics.ts
import { msssim } from '../../src-main/core/metrics/msssim.js';
import { psnr } from '../../src-main/core/imaging/psnr.js';
import { ssim } from '../../src-main/core/metrics/ssim.js';

const w = 1920;
const h = 1080;
const a = new Uint8Array(w * h * 3).map((_, i) => (i * 37 + Math.floor(i / 5760) * 11) % 251);
const b = a.map((v, i) => Math.min(255, v + (i % 7)));
const A = { data: a, width: w, height: h, channels: 3 as const };
const B = { ...A, data: b };
for (const [name, f] of [
  ['psnr', psnr],
  ['ssim', ssim],
  ['ms-ssim', msssim],
] as const) {
  const t = performance.now();
  const v = f(A, B);
  console.log(`${name.padEnd(8)} ${v.toFixed(5).padStart(10)}  ${((performance.now() - t) / 1000).toFixed(2)} s for ${w}x${h} RGB`);
}
