// Set-level rate-distortion on a dataset's test split, for small images where per-file headers
// dominate: the latent codec as ONE pack of all the images vs JPEG/WebP/AVIF on ONE sprite sheet of
// the same images, so both sides pay their headers once. PSNR is measured per image (each sheet
// cell against its original) and averaged; bpp is the file's bits over all the images' pixels.
// Gray images only (the digits). Run:
//   node bin/run-ts.js scripts/set-comparison.ts HOME MODEL_ID DATASET
import { openCatalog } from '../src-main/core/catalog/index.js';
import { compressPack } from '../src-main/core/codec/compress.js';
import { prepareFile } from '../src-main/core/codec-files/prepare-file.js';
import { loadModel } from '../src-main/core/engine/model-io.js';
import { readImage, type RawImage } from '../src-main/core/imaging/index.js';
import { bdRate, type RdPoint } from '../src-main/core/metrics/bd-rate.js';
import { decodeEncoded, encodeClassical } from '../src-main/core/metrics/classical.js';
import { CLASSICAL_CODEC_NAMES, CLASSICAL_CODECS } from '../src-main/core/metrics/codecs.js';
import { psnr } from '../src-main/core/imaging/psnr.js';
import { DEFAULT_LATENT_QUALITIES } from '../src-main/core/metrics/sweep.js';

const [home, modelId, dataset] = process.argv.slice(2);
if (!home || !modelId || !dataset) {
  console.error('usage: node bin/run-ts.js scripts/set-comparison.ts HOME MODEL_ID DATASET');
  process.exit(1);
}
const cat = openCatalog(`${home}/catalog.sqlite`);
const ds = cat.datasets.byName(dataset);
const model = cat.models.get(modelId);
if (!ds || !model) throw new Error(`no dataset ${dataset} or model ${modelId} in ${home}`);
const recs = cat.images.forDataset(ds.id, 'test');
const imgs: RawImage[] = [];
for (const r of recs) imgs.push(await readImage(r.path, { channels: 1 }));
const E = imgs[0]!.width;
if (imgs.some((i) => i.width !== E || i.height !== E)) throw new Error('set-comparison needs square images of one size');

const cols = Math.ceil(Math.sqrt(imgs.length));
const rows = Math.ceil(imgs.length / cols);
const sheet: RawImage = { data: new Uint8Array(cols * E * rows * E), width: cols * E, height: rows * E, channels: 1 };
const origin = (k: number) => ({ x: (k % cols) * E, y: Math.floor(k / cols) * E });
imgs.forEach((im, k) => {
  const o = origin(k);
  for (let y = 0; y < E; y++) sheet.data.set(im.data.subarray(y * E, y * E + E), (o.y + y) * sheet.width + o.x);
});
const pixels = imgs.length * E * E;
const meanCellPsnr = (dec: RawImage): number => {
  let s = 0;
  imgs.forEach((im, k) => {
    const o = origin(k);
    const cell = new Uint8Array(E * E);
    for (let y = 0; y < E; y++) cell.set(dec.data.subarray((o.y + y) * dec.width + o.x, (o.y + y) * dec.width + o.x + E), y * E);
    s += psnr(im, { ...im, data: cell });
  });
  return s / imgs.length;
};

const curves: Record<string, RdPoint[]> = {};
for (const codec of CLASSICAL_CODEC_NAMES) {
  curves[`${codec} sheet`] = [];
  for (const q of CLASSICAL_CODECS[codec].sweep) {
    const bytes = await encodeClassical(sheet, codec, q);
    curves[`${codec} sheet`]!.push({ rate: (bytes.length * 8) / pixels, quality: meanCellPsnr(await decodeEncoded(bytes, 1, codec)) });
  }
}
const m = await loadModel(model.dir);
curves['latent pack'] = [];
for (const q of DEFAULT_LATENT_QUALITIES) {
  async function* items() {
    for (const r of recs) yield { img: await prepareFile(m, r.path, false) };
  }
  const r = await compressPack(m, items(), { quality: q, measure: true });
  curves['latent pack']!.push({
    rate: (r.bytes.length * 8) / pixels,
    quality: r.images.reduce((s, i) => s + i.psnr!, 0) / r.images.length,
  });
}
m.dispose();
cat.close();

console.log(`${imgs.length} test images of ${dataset}, sheet ${sheet.width}x${sheet.height}; points are bpp/PSNR dB`);
for (const [k, c] of Object.entries(curves))
  console.log(`${k.padEnd(12)} ${c.map((p) => `${p.rate.toFixed(3)}/${p.quality.toFixed(2)}`).join(' ')}`);
for (const codec of CLASSICAL_CODEC_NAMES) {
  const r = bdRate(curves[`${codec} sheet`]!, curves['latent pack']!);
  const gap = !r.ok && typeof r.bdQuality === 'number' ? `; at equal rate ${r.bdQuality.toFixed(2)} dB` : '';
  console.log(
    `BD-rate latent pack vs ${codec} sheet: ${r.ok ? `${r.bdRate.toFixed(1)} % over ${r.range[0].toFixed(2)}..${r.range[1].toFixed(2)} dB (overlap ${(r.overlap * 100).toFixed(0)} %)` : r.message + gap}`,
  );
}
