// npm run bench:codec — encode and decode speed of the latent codec beside sharp's JPEG and WebP on
// the same images in the same run, the bytes each spends, the quality sweep (bytes and PSNR must
// not fall as the quality rises), and the range coder against brotli on the same symbols.
//
//   node bin/run-ts.js scripts/bench/codec.ts [--dense DIR] [--conv DIR] [--digits N] [--photos N] [--keep]
//
// --dense / --conv take saved model folders (<home>/models/<id>); without them the bench trains
// small models first (their speed is what counts here; their quality is reported as measured);
// --keep leaves them in the printed folder for the next run.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zc } from 'node:zlib';
import sharp from 'sharp';
import { codeBest, compressImage, prepareRaw, type PreparedImage } from '../../src-main/core/codec/compress.js';
import { readSingle } from '../../src-main/core/codec/container.js';
import { decodeSingle } from '../../src-main/core/codec/decompress.js';
import { calibrateFinestStep } from '../../src-main/core/codec/calibrate.js';
import { quantize, stepFor } from '../../src-main/core/codec/quantize.js';
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { reach } from '../../src-main/core/engine/inference.js';
import { loadModel, saveModelDir, type LoadedModel } from '../../src-main/core/engine/model-io.js';
import type { Hyper } from '../../src-main/core/engine/model-card.js';
import { trainAutoencoder } from '../../src-main/core/engine/train.js';
import { encodeImage, readImage, type RawImage } from '../../src-main/core/imaging/index.js';
import { psnr } from '../../src-main/core/imaging/psnr.js';

const DATA = path.resolve(process.env.LATENT_STUDIO_DATA ?? path.join(process.cwd(), '../shared/data'));
const { values } = parseArgs({
  options: {
    dense: { type: 'string' },
    conv: { type: 'string' },
    digits: { type: 'string', default: '500' },
    photos: { type: 'string', default: '5' },
    quality: { type: 'string', default: '75' },
    keep: { type: 'boolean', default: false },
  },
});
const QUALITY = Number(values.quality);

function log(line = ''): void {
  process.stdout.write(line + '\n');
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

// ---- data ------------------------------------------------------------------------------------

/** 20x20 digits from the OpenCV sheet, column by column (so any 50 in a row hold every class). */
async function digits(n: number, columns: (c: number) => boolean): Promise<RawImage[]> {
  const { data } = await sharp(path.join(DATA, 'A_digits_opencv_20x20/digits.png')).raw().toBuffer({ resolveWithObject: true });
  const out: RawImage[] = [];
  for (let c = 0; c < 100 && out.length < n; c++) {
    if (!columns(c)) continue;
    for (let r = 0; r < 50 && out.length < n; r++) {
      const cell = new Uint8Array(400);
      for (let y = 0; y < 20; y++) cell.set(data.subarray((r * 20 + y) * 2000 + c * 20, (r * 20 + y) * 2000 + c * 20 + 20), y * 20);
      out.push({ data: cell, width: 20, height: 20, channels: 1 });
    }
  }
  return out;
}

/** The large photographs scaled to fit 1600x1200 (1.5 to 1.9 megapixels). */
async function photos(n: number): Promise<RawImage[]> {
  const dir = path.join(DATA, 'D_large_photos');
  const files = readdirSync(dir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .slice(0, n);
  const out: RawImage[] = [];
  for (const f of files) {
    const { data, info } = await sharp(path.join(dir, f))
      .rotate()
      .resize(1600, 1200, { fit: 'inside' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    out.push({ data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 });
  }
  return out;
}

// ---- models ----------------------------------------------------------------------------------

async function writeDigitFiles(imgs: RawImage[], dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const [i, img] of imgs.entries()) {
    const f = path.join(dir, `d${String(i).padStart(4, '0')}.png`);
    await sharp(Buffer.from(img.data), { raw: { width: 20, height: 20, channels: 1 } })
      .png()
      .toFile(f);
    files.push(f);
  }
  return files;
}

async function quickModel(kind: 'dense' | 'conv', workDir: string): Promise<LoadedModel> {
  const io = { progress: () => {}, signal: new AbortController().signal, checkpoint: async () => {} };
  let files: string[];
  let hyper: Hyper;
  if (kind === 'dense') {
    files = await writeDigitFiles(await digits(3000, (c) => c < 80), workDir);
    hyper = { arch: 'dense', tile: 20, encoderLayers: [256, 64], decoderLayers: [64, 256], codeSize: 32, activation: 'relu' };
  } else {
    const land = path.join(DATA, 'B_landscapes_endless_sky_720x360');
    files = readdirSync(land)
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .map((f) => path.join(land, f));
    hyper = {
      arch: 'conv',
      downsampling: 8,
      filters: [32, 32, 32],
      codeChannels: 8,
      kernelSize: 5,
      activation: 'relu',
      crop: 64,
      tile: 512,
    };
  }
  const t = await timed(() =>
    trainAutoencoder(
      {
        name: `bench-${kind}`,
        dataset: { id: null, name: null },
        trainFiles: files,
        valFiles: [],
        hyper,
        channels: kind === 'dense' ? 1 : 3,
        loss: kind === 'dense' ? 'bce' : 'mse',
        epochs: kind === 'dense' ? 12 : 6,
        batchSize: kind === 'dense' ? 64 : 16,
        learningRate: kind === 'dense' ? 0.002 : 0.0005,
        seed: 1,
        patience: 0,
        cropsPerImage: kind === 'dense' ? 1 : 8,
      },
      io,
    ),
  );
  const trained = t.value;
  const dir = path.join(workDir, `model-${kind}`);
  await saveModelDir(dir, trained.encoder, trained.decoder, { ...trained.card, id: `bench-${kind}`, decoderBytes: 0 });
  trained.encoder.dispose();
  trained.decoder.dispose();
  const last = trained.card.history[trained.card.history.length - 1];
  log(`trained ${kind} model in ${t.seconds.toFixed(0)} s (validation PSNR ${last?.valPsnr?.toFixed(2) ?? '?'} dB at step 1)`);
  return loadModel(dir);
}

// ---- measurements ----------------------------------------------------------------------------

interface Row {
  codec: string;
  encodeMps: number;
  decodeMps: number;
  bytes: number;
  bpp: number;
  psnr: number;
}

async function ours(model: LoadedModel, imgs: RawImage[], quality: number): Promise<Row> {
  const prepared = imgs.map((i) => prepareRaw(model, i));
  await compressImage(model, prepared[0]!, { quality }); // warm-up
  const enc = await timed(async () => {
    const files: Uint8Array[] = [];
    for (const p of prepared) files.push((await compressImage(model, p, { quality })).bytes);
    return files;
  });
  const dec = await timed(async () => {
    const out: RawImage[] = [];
    for (const b of enc.value) out.push((await decodeSingle(model, readSingle(b, 'bench'), 'bench')).image);
    return out;
  });
  return summarize(`latent q${quality}`, imgs, enc.value, dec.value, enc.seconds, dec.seconds);
}

async function classical(format: 'jpeg' | 'webp', imgs: RawImage[], quality: number): Promise<Row> {
  await encodeImage(imgs[0]!, format, { quality });
  const enc = await timed(async () => {
    const files: Buffer[] = [];
    for (const i of imgs) files.push(await encodeImage(i, format, { quality }));
    return files;
  });
  const dec = await timed(async () => {
    const out: RawImage[] = [];
    for (const [k, b] of enc.value.entries()) out.push(await readImage(`bench.${format}`, { channels: imgs[k]!.channels as 1 | 3 }, b));
    return out;
  });
  return summarize(`sharp ${format} q${quality}`, imgs, enc.value, dec.value, enc.seconds, dec.seconds);
}

function summarize(codec: string, imgs: RawImage[], files: Uint8Array[], decoded: RawImage[], encS: number, decS: number): Row {
  const mp = imgs.reduce((n, i) => n + i.width * i.height, 0) / 1e6;
  const bytes = files.reduce((n, f) => n + f.length, 0);
  const p = imgs.reduce((s, img, k) => s + psnr(img, decoded[k]!), 0) / imgs.length;
  return { codec, encodeMps: mp / encS, decodeMps: mp / decS, bytes: bytes / imgs.length, bpp: (bytes * 8) / (mp * 1e6), psnr: p };
}

function table(title: string, rows: Row[]): void {
  log(`\n${title}`);
  log('| codec | encode MP/s | decode MP/s | bytes/image | bpp | PSNR dB |');
  log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    log(
      `| ${r.codec} | ${r.encodeMps.toFixed(2)} | ${r.decodeMps.toFixed(2)} | ${r.bytes.toFixed(0)} | ${r.bpp.toFixed(3)} | ${r.psnr.toFixed(2)} |`,
    );
  }
}

async function sweep(title: string, model: LoadedModel, imgs: RawImage[]): Promise<void> {
  log(`\n${title}: quality sweep (mean over ${imgs.length} images)`);
  log('| quality | step | bytes/image | PSNR dB |');
  log('|---:|---:|---:|---:|');
  const prepared: PreparedImage[] = imgs.map((i) => prepareRaw(model, i));
  let prev = { bytes: -Infinity, psnr: -Infinity };
  const breaks: string[] = [];
  for (const q of [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]) {
    let bytes = 0;
    let p = 0;
    for (const img of prepared) {
      const r = await compressImage(model, img, { quality: q, measure: true });
      bytes += r.bytes.length;
      p += r.psnr!;
    }
    const cur = { bytes: bytes / prepared.length, psnr: p / prepared.length };
    log(`| ${q} | ${stepFor(q, model.card).toPrecision(3)} | ${cur.bytes.toFixed(1)} | ${cur.psnr.toFixed(3)} |`);
    if (cur.bytes < prev.bytes) breaks.push(`bytes fall at q${q}`);
    if (cur.psnr < prev.psnr) breaks.push(`PSNR falls at q${q} (${(cur.psnr - prev.psnr).toFixed(4)} dB)`);
    prev = cur;
  }
  log(breaks.length === 0 ? 'monotonic: bytes and PSNR never fall as the quality rises' : `NOT monotonic: ${breaks.join('; ')}`);
}

async function versusBrotli(title: string, model: LoadedModel, imgs: RawImage[], quality: number): Promise<void> {
  const step = stepFor(quality, model.card);
  const grids = [];
  for (const img of imgs) {
    const code = await model.encode(prepareRaw(model, img).color);
    grids.push({ symbols: quantize(code.data, step), gh: code.gh, gw: code.gw, c: code.c });
  }
  const n = grids.reduce((s, g) => s + g.symbols.length, 0);
  const all = new Int32Array(n);
  let o = 0;
  for (const g of grids) {
    all.set(g.symbols, o);
    o += g.symbols.length;
  }
  const fits8 = all.every((s) => s >= -128 && s <= 127);
  const raw = fits8 ? Buffer.from(Int8Array.from(all).buffer) : Buffer.from(Int16Array.from(all).buffer);
  const brotli = brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_LGWIN]: 24 } }).length;
  const perImageRc = grids.reduce((s, g) => s + codeBest([g], g.c).payload.length, 0);
  const perImageBr = grids.reduce((s, g) => {
    const r = fits8 ? Buffer.from(Int8Array.from(g.symbols).buffer) : Buffer.from(Int16Array.from(g.symbols).buffer);
    return s + brotliCompressSync(r, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }, 0);
  const rc = codeBest(grids, grids[0]!.c).payload.length;
  log(`\n${title}, q${quality} (${n} symbols, ${fits8 ? 'int8' : 'int16'} for brotli):`);
  log(`  all in one stream: range coder ${rc} B, brotli-11 ${brotli} B (${((1 - rc / brotli) * 100).toFixed(1)}% smaller)`);
  log(
    `  one stream per image: range coder ${perImageRc} B, brotli-11 ${perImageBr} B (${((1 - perImageRc / perImageBr) * 100).toFixed(1)}% smaller)`,
  );
}

// ---- arithmetic: what the network costs per pixel and how fast the backend runs it ----------

/**
 * Multiply-accumulates of a sequential model per position of its input, from its layers' kernels:
 * a conv2d costs kh*kw*cin*cout per output position ('same' padding), a strided one has 1/s^2 as
 * many positions, depth-to-space multiplies them by b^2, a dense layer costs in*out per sample.
 * `area` is the output positions per input position (64 for a decoder upsampling by 8).
 */
function macs(model: tf.LayersModel): { perInput: number; area: number } {
  let area = 1;
  let perInput = 0;
  for (const layer of model.layers) {
    const c = layer.getConfig() as { strides?: number | number[]; blockSize?: number };
    const kernel = layer.getWeights()[0];
    if (c.blockSize !== undefined) area *= c.blockSize * c.blockSize;
    else if (kernel && kernel.shape.length === 4) {
      const s = Math.max(...[c.strides ?? 1].flat());
      area /= s * s;
      perInput += area * kernel.shape.reduce((a, b) => a * b, 1);
    } else if (kernel && kernel.shape.length === 2) perInput += kernel.shape[0]! * kernel.shape[1]!;
  }
  return { perInput, area };
}

/** Code cells the tiled conv decoder runs (halo included) over the cells it keeps, as convDecode tiles. */
function haloFactor(gh: number, gw: number, tile: number, f: number, hc: number): number {
  const tc = Math.max(1, Math.floor(tile / f));
  let run = 0;
  for (let cy = 0; cy < gh; cy += tc)
    for (let cx = 0; cx < gw; cx += tc) {
      const h = Math.min(gh, cy + tc + hc) - Math.max(0, cy - hc);
      const w = Math.min(gw, cx + tc + hc) - Math.max(0, cx - hc);
      run += h * w;
    }
  return run / (gh * gw);
}

/** Seconds per predict call on an input of `shape` (best of `reps` after a warm-up). */
function predictSeconds(model: tf.LayersModel, shape: number[], reps = 3): number {
  const x = tf.randomUniform(shape);
  let best = Infinity;
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    if (i > 0) best = Math.min(best, (performance.now() - t0) / 1000);
  }
  x.dispose();
  return best;
}

function arithmetic(dense: LoadedModel, conv: LoadedModel, photoSizes: Array<{ width: number; height: number }>): void {
  log('\nArithmetic: multiply-accumulates (MAC) per pixel, and what the backend reaches on one predict call');
  log('| model | part | MAC/pixel | with halo | predict input | MAC/call | s/call | GMAC/s | ceiling MP/s |');
  log('|---|---|---:|---:|---|---:|---:|---:|---:|');
  const h = conv.card.hyper as { downsampling: number; codeChannels: number; tile: number };
  const f = h.downsampling;
  // The conv decoder in the bench photos' own tiles: how many extra cells the halo makes it run.
  const hc = Math.ceil(reach(conv.decoder!)) + 1;
  const cells = photoSizes.reduce((n, p) => n + Math.ceil(p.width / f) * Math.ceil(p.height / f), 0);
  const run = photoSizes.reduce(
    (n, p) =>
      n + haloFactor(Math.ceil(p.height / f), Math.ceil(p.width / f), h.tile, f, hc) * Math.ceil(p.width / f) * Math.ceil(p.height / f),
    0,
  );
  const decHalo = run / cells;
  const he = Math.ceil(reach(conv.encoder!) / f) + 1;
  const encHalo =
    photoSizes.reduce(
      (n, p) =>
        n + haloFactor(Math.ceil(p.height / f), Math.ceil(p.width / f), h.tile, f, he) * Math.ceil(p.width / f) * Math.ceil(p.height / f),
      0,
    ) / cells;
  const tc = Math.floor(h.tile / f);
  const rows: Array<[string, string, tf.LayersModel, number, number, number[], number]> = [];
  // conv encoder: MAC per input pixel; one full tile with its halo as the timed call.
  const ce = macs(conv.encoder!);
  const encSide = (tc + 2 * he) * f;
  rows.push(['conv', 'encode', conv.encoder!, ce.perInput, encHalo, [1, encSide, encSide, 3], ce.perInput * encSide * encSide]);
  const cd = macs(conv.decoder!);
  const decSide = tc + 2 * hc;
  rows.push([
    'conv',
    'decode',
    conv.decoder!,
    cd.perInput / cd.area,
    decHalo,
    [1, decSide, decSide, h.codeChannels],
    cd.perInput * decSide * decSide,
  ]);
  const dh = dense.card.hyper as { tile: number; codeSize: number };
  const px = dh.tile * dh.tile;
  const de = macs(dense.encoder!);
  const dd = macs(dense.decoder!);
  rows.push(['dense', 'encode (1 digit)', dense.encoder!, de.perInput / px, 1, [1, px], de.perInput]);
  rows.push(['dense', 'decode (1 digit)', dense.decoder!, dd.perInput / px, 1, [1, dh.codeSize], dd.perInput]);
  rows.push(['dense', 'encode (500 digits)', dense.encoder!, de.perInput / px, 1, [500, px], de.perInput * 500]);
  rows.push(['dense', 'decode (500 digits)', dense.decoder!, dd.perInput / px, 1, [500, dh.codeSize], dd.perInput * 500]);
  for (const [name, part, model, perPixel, halo, shape, perCall] of rows) {
    const s = predictSeconds(model, shape);
    const rate = perCall / s;
    log(
      `| ${name} | ${part} | ${Math.round(perPixel)} | ${Math.round(perPixel * halo)} | ${shape.join('x')} | ${(perCall / 1e6).toFixed(1)} M | ${s.toFixed(4)} | ${(rate / 1e9).toFixed(2)} | ${(rate / (perPixel * halo) / 1e6).toFixed(2)} |`,
    );
  }
  log(
    `(conv halo: decoder ${hc} code cells, encoder ${he} cells, tile ${h.tile} px; ceiling = GMAC/s over MAC/pixel with halo: the network alone, no codec work)`,
  );
}

// ---- run -------------------------------------------------------------------------------------

const backend = await chooseBackend();
log(`latent codec bench: backend ${backend.backend} (${backend.reason}); node ${process.version}; ${os.cpus().length} cores`);
const work = (await import('node:fs')).mkdtempSync(path.join(os.tmpdir(), 'bench-codec-'));
const dense = values.dense ? await loadModel(values.dense) : await quickModel('dense', work);
const conv = values.conv ? await loadModel(values.conv) : await quickModel('conv', work);

const testDigits = await digits(Number(values.digits), (c) => c >= 80);
table(`Dense model on ${testDigits.length} digits (20x20 gray)`, [
  await ours(dense, testDigits, QUALITY),
  await classical('jpeg', testDigits, QUALITY),
  await classical('webp', testDigits, QUALITY),
]);

const bigPhotos = await photos(Number(values.photos));
const mp = bigPhotos.map((p) => `${p.width}x${p.height}`).join(', ');
table(`Conv model on ${bigPhotos.length} photos (${mp})`, [
  await ours(conv, bigPhotos, QUALITY),
  await classical('jpeg', bigPhotos, QUALITY),
  await classical('webp', bigPhotos, QUALITY),
]);

arithmetic(dense, conv, bigPhotos);

await sweep('Dense model, digits', dense, testDigits.slice(0, 300));
const land = path.join(DATA, 'B_landscapes_endless_sky_720x360');
const landFiles = readdirSync(land)
  .filter((f) => f.endsWith('.jpg'))
  .sort();
const landscapes: RawImage[] = [];
for (const f of landFiles.slice(0, 6)) landscapes.push(await readImage(path.join(land, f), { channels: 3 }));
await sweep('Conv model, landscapes 720x360, default mapping (quality 100 = step 1/8)', conv, landscapes);

// Calibrate the finest useful step on other images (256x256 crops of four more landscapes).
const calib: PreparedImage[] = [];
for (const f of landFiles.slice(6, 10)) {
  const { data, info } = await sharp(path.join(land, f))
    .extract({ left: 232, top: 52, width: 256, height: 256 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  calib.push(prepareRaw(conv, { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 }));
}
const cal = await calibrateFinestStep(conv, calib);
log(
  `\nConv model calibration (4 crops): ${cal.points.map((p) => `step ${p.step.toPrecision(3)}: ${p.psnr.toFixed(3)} dB`).join(', ')}; finest step ${cal.finestStep.toPrecision(3)}`,
);
(conv.card as { finestStep?: number }).finestStep = cal.finestStep;
await sweep(`Conv model, landscapes 720x360, calibrated (quality 100 = step ${cal.finestStep.toPrecision(3)})`, conv, landscapes);

await versusBrotli('Entropy coding, dense digits', dense, testDigits, QUALITY);
await versusBrotli('Entropy coding, conv landscapes', conv, landscapes, QUALITY);
dense.dispose();
conv.dispose();
if (values.keep) log(`\nmodels kept in ${work}`);
else (await import('node:fs')).rmSync(work, { recursive: true, force: true });
