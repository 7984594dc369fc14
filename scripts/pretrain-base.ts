// Pretrains a base model with the studio's own trainer (docs/base-models.md). Prepares the corpus
// once (photos: ../shared/data/P_pretrain_photos downscaled so the long edge is at most --edge,
// which also hides the sources' JPEG artefacts; small: gray 28x28 Fashion-MNIST images that are
// not among the evaluation cuts, plus the 20x20 digits), imports it into a dataset of --home, then
// runs `train` through the CLI for a wall-clock budget. `--init-from MODEL` continues a previous
// base, so a base improves over several sessions. Run:
//   node bin/run-ts.js scripts/pretrain-base.ts --kind photo|small --home DIR --minutes N [--init-from MODEL] [--edge 768]
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'photo' },
    home: { type: 'string' },
    minutes: { type: 'string', default: '60' },
    'init-from': { type: 'string' },
    edge: { type: 'string', default: '768' },
    seed: { type: 'string', default: '1' },
    name: { type: 'string' },
  },
});
const kind = values.kind;
if (!values.home || (kind !== 'photo' && kind !== 'small')) {
  console.error('usage: node bin/run-ts.js scripts/pretrain-base.ts --kind photo|small --home DIR --minutes N [--init-from MODEL]');
  process.exit(1);
}
const home = path.resolve(values.home);
const shared = path.resolve(import.meta.dirname, '../../shared/data');
const cli = path.resolve(import.meta.dirname, '../bin/latent-studio.js');

/** Fashion-MNIST images the evaluation uses (scripts/cut-fashion-mnist.ts: up to 3750 train and the 200 after them as test). */
const FASHION_EVAL = 4000;
const FASHION_BASE = 3000;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function preparePhotos(out: string, edge: number): Promise<void> {
  const src = path.join(shared, 'P_pretrain_photos');
  const files = (await readdir(src)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  await mkdir(out, { recursive: true });
  for (const f of files) {
    const dst = path.join(out, f.replace(/\.[^.]+$/, '.png'));
    if (await exists(dst)) continue;
    const tmp = `${dst}.part`;
    await sharp(path.join(src, f))
      .rotate()
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
      .removeAlpha()
      .toColourspace('srgb')
      .png()
      .toFile(tmp);
    await rename(tmp, dst);
  }
  console.error(`corpus: ${files.length} photos at most ${edge} px in ${out}`);
}

async function prepareSmall(out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const idxFile = path.join(shared, 'A_fashion_mnist_28x28/train-first10000-images-idx3-ubyte.gz');
  const idx = gunzipSync(await readFile(idxFile));
  const [count, rows, cols] = [idx.readUInt32BE(4), idx.readUInt32BE(8), idx.readUInt32BE(12)];
  let n = 0;
  for (let i = FASHION_EVAL; i < Math.min(count, FASHION_EVAL + FASHION_BASE); i++) {
    const dst = path.join(out, `fashion-${String(i).padStart(5, '0')}.png`);
    n++;
    if (await exists(dst)) continue;
    const px = idx.subarray(16 + i * rows * cols, 16 + (i + 1) * rows * cols);
    // One-channel raw input still writes an RGB PNG unless told b-w: the studio would see colour.
    await sharp(Buffer.from(px), { raw: { width: cols, height: rows, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(`${dst}.part`);
    await rename(`${dst}.part`, dst);
  }
  // Digits: sheet columns 2, 6, 10, ... (col % 4 == 2); the built-in sample uses columns 0, 12, 24, ... (scripts/make-sample.ts).
  const sheet = path.join(shared, 'A_digits_opencv_20x20/digits.png');
  let d = 0;
  for (let row = 0; row < 50; row++)
    for (let col = 2; col < 100; col += 4) {
      const dst = path.join(out, `digit-r${String(row).padStart(2, '0')}-c${String(col).padStart(2, '0')}.png`);
      d++;
      if (await exists(dst)) continue;
      await sharp(sheet)
        .extract({ left: col * 20, top: row * 20, width: 20, height: 20 })
        .toColourspace('b-w')
        .png()
        .toFile(`${dst}.part`);
      await rename(`${dst}.part`, dst);
    }
  console.error(
    `corpus: ${n} Fashion-MNIST images (indices ${FASHION_EVAL}..; none of the evaluation cuts) and ${d} digits (none of the sample's) in ${out}`,
  );
}

function run(args: string[]): void {
  console.error(`$ latent-studio ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, '--home', home, ...args], { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 2) process.exit(r.status ?? 1);
}

const dataset = kind === 'photo' ? 'base-photos' : 'base-small';
const corpus = path.join(home, `corpus-${kind}`);
if (kind === 'photo') await preparePhotos(corpus, Number(values.edge));
else await prepareSmall(corpus);
run(['import', corpus, '--dataset', dataset]);
const family = kind === 'photo' ? 'hyperprior' : 'factorized';
run([
  '--json',
  'train',
  '--dataset',
  dataset,
  '--arch',
  family,
  '--minutes',
  values.minutes,
  // Small images: random 20x20 crops of the 28x28 images, whole digits (20x20).
  ...(kind === 'small' ? ['--tile', '20'] : []),
  '--seed',
  values.seed,
  '--name',
  values.name ?? `base-${kind}`,
  ...(values['init-from'] ? ['--init-from', values['init-from']] : []),
]);
