// Real-file rate of the models rd-reference.ts trained (its --save output): each test image is
// compressed into a format-v2 .latent file exactly as `compress` writes it (model's CDF tables,
// range coder, container), decoded back from those bytes, and PSNR-RGB measured on the decoded
// 8-bit pixels. Prints one JSON line per model beside its entropy-estimate figures.
//   node bin/run-ts.js scripts/dev/rd-reference-files.ts ref-0.01.json [more.json ...]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { modelTag, readSingleV2, writeSingleV2 } from '../../src-main/core/codec/container-v2.js';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { learnedHash } from '../../src-main/core/engine/learned-io.js';
import { familyMeta } from '../../src-main/core/engine/models/families.js';
import type { ParamManifestEntry } from '../../src-main/core/engine/models/layers/params.js';
import type { LearnedRuntime } from '../../src-main/core/engine/models/learned.js';
import { learnedImpl } from '../../src-main/core/engine/models/registry.js';
import { writeTables } from '../../src-main/core/entropy/index.js';
import { toBytes, toFloat } from '../../src-main/core/imaging/pixels.js';
import { readImage } from '../../src-main/core/imaging/index.js';
import { psnr } from '../../src-main/core/imaging/psnr.js';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data/B_landscapes_endless_sky_720x360');
await chooseBackend();
const files = readdirSync(DATA)
  .filter((f) => /\.(jpe?g|png)$/i.test(f))
  .sort()
  .slice(90)
  .map((f) => path.join(DATA, f));
for (const saved of process.argv.slice(2)) {
  const j = JSON.parse(readFileSync(saved, 'utf8')) as {
    hyper: { arch: string; lambdas: number[] };
    manifest: ParamManifestEntry[];
    weights: string[];
  };
  const impl = learnedImpl<{ arch: string; lambdas: number[] }>(j.hyper.arch);
  const params = impl.build(j.hyper, 3, 0);
  const arrays = j.weights.map((b) => {
    const buf = Buffer.from(b, 'base64');
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  });
  params.setArrays(arrays);
  const tables = impl.buildTables(params, j.hyper);
  const rt: LearnedRuntime<{ arch: string; lambdas: number[] }> = { hyper: j.hyper, channels: 3, params, tables };
  const { hash } = learnedHash(params.manifest(), arrays, writeTables(tables.groups.flat()));
  const family = familyMeta(j.hyper.arch)!.formatId!;
  let bpp = 0;
  let quality = 0;
  let bytes = 0;
  for (const f of files) {
    const raw = await readImage(f, { channels: 3 });
    const streams = await impl.compress(rt, toFloat(raw, 3), 100);
    const file = writeSingleV2(
      { family, tag: modelTag(hash), quality: 100 },
      { width: raw.width, height: raw.height, channels: 3, streams },
    );
    const back = readSingleV2(file, f);
    const decoded = toBytes(await impl.decompress(rt, back.image.streams, raw.width, raw.height, back.params.quality));
    bytes += file.length;
    bpp += (file.length * 8) / (raw.width * raw.height) / files.length;
    quality += psnr(raw, decoded) / files.length;
  }
  console.log(
    JSON.stringify({
      model: saved,
      lambdas: j.hyper.lambdas,
      test_images: files.length,
      file_bytes: bytes,
      file_bpp: Number(bpp.toFixed(4)),
      psnr: Number(quality.toFixed(3)),
    }),
  );
  params.dispose();
}
