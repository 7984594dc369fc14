// The Compare view's cost as a user meets it: one studio, one model, one image, the quality
// changed a few times (each line: wall seconds of one compareAtEqualSize, what was cached).
//   node bin/run-ts.js scripts/bench/compare-studio.ts [MODEL_NAME_PART] [IMAGE] [QUALITY...]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Studio } from '../../src-main/core/studio.js';

const wanted = process.argv[2] ?? 'photo';
const image = process.argv[3] ?? '/work/shared/data/B_landscapes_endless_sky_720x360/badlands0.jpg';
const qualities = process.argv.slice(4).map(Number);
if (qualities.length === 0) qualities.push(75, 40, 60, 75);

const home = mkdtempSync(path.join(os.tmpdir(), 'ls-bench-compare-'));
const studio = new Studio({ homeDir: home, host: 'cli' });
try {
  const { models } = await studio.call('listModels', {});
  const model = models.find((m) => m.name.toLowerCase().includes(wanted.toLowerCase()) || m.id === wanted);
  if (!model) throw new Error(`no model matching ${wanted}`);
  let cached = 0;
  let steps: string[] = [];
  let last = performance.now();
  let lastStep = '';
  studio.on((name, p) => {
    if (name !== 'compareProgress') return;
    const s = p as { cached: number; step: string };
    const now = performance.now();
    if (lastStep) steps.push(`${lastStep} ${((now - last) / 1000).toFixed(2)} s`);
    last = now;
    lastStep = s.step;
    cached = s.cached;
  });
  console.log(`${model.name} on ${path.basename(image)}`);
  for (const q of qualities) {
    const t = performance.now();
    steps = [];
    lastStep = '';
    const c = process.cpuUsage();
    const r = await studio.call('compareAtEqualSize', { model: model.id, imagePath: image, quality: q });
    const cu = process.cpuUsage(c);
    console.log(
      `quality ${String(q).padStart(3)}: ${((performance.now() - t) / 1000).toFixed(2).padStart(6)} s wall, ${((cu.user + cu.system) / 1e6).toFixed(2)} s CPU of this thread's process, ` +
        `latent ${r.latent.bytes} B, ${cached} steps from the cache`,
    );
    console.log(`  ${steps.join(' · ')}`);
  }
} finally {
  await studio.close();
  rmSync(home, { recursive: true, force: true });
}
