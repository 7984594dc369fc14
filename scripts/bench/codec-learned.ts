// Coding speed of the learned families' default models (built from a seed: the network cost does
// not depend on training; the range coder's does a little) on a 720x360 landscape and a large
// photo: encode and decode megapixels per second, and MAC per pixel, in one run. BENCH_REPEAT
// (default 3) timed calls each after one warm-up. Run alone on a quiet machine.
import { loadavg } from 'node:os';
import path from 'node:path';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { familyMeta } from '../../src-main/core/engine/models/families.js';
import type { LearnedRuntime } from '../../src-main/core/engine/models/learned.js';
import { learnedImpl } from '../../src-main/core/engine/models/registry.js';
import { toFloat } from '../../src-main/core/imaging/pixels.js';
import { readImage } from '../../src-main/core/imaging/index.js';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const info = await chooseBackend();
console.log(
  `backend ${info.backend}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${repeat} timed calls after a warm-up`,
);
const images = [
  path.join(DATA, 'B_landscapes_endless_sky_720x360', 'beach0.jpg'),
  ...(process.env.BENCH_LARGE === '0'
    ? []
    : [
        path.join(
          DATA,
          'P_pretrain_photos',
          (await import('node:fs'))
            .readdirSync(path.join(DATA, 'P_pretrain_photos'))
            .filter((f) => f.endsWith('.jpg'))
            .sort()[0]!,
        ),
      ]),
];
for (const arch of ['factorized', 'hyperprior'] as const) {
  const hyper = { arch, n: 64, m: 96, lambdas: [0.002, 0.005, 0.012, 0.03], crop: 128 };
  const impl = learnedImpl<typeof hyper>(arch);
  const params = impl.build(hyper, 3, 1);
  const rt: LearnedRuntime<typeof hyper> = { hyper, channels: 3, params, tables: impl.buildTables(params, hyper) };
  const mac = familyMeta(arch)!.mac(hyper as never, 3);
  for (const file of images) {
    const img = toFloat(await readImage(file, { channels: 3 }), 3);
    const mp = (img.width * img.height) / 1e6;
    const time = async (f: () => Promise<unknown>) => {
      await f();
      const t0 = performance.now();
      for (let i = 0; i < repeat; i++) await f();
      return (performance.now() - t0) / 1000 / repeat;
    };
    let streams: Uint8Array[] = [];
    const enc = await time(async () => (streams = await impl.compress(rt, img, 75)));
    const dec = await time(() => impl.decompress(rt, streams, img.width, img.height, 75));
    console.log(
      `${arch.padEnd(10)} ${path.basename(file).padEnd(28)} ${img.width}x${img.height}: encode ${(mp / enc).toFixed(2)} MP/s, decode ${(mp / dec).toFixed(2)} MP/s; ` +
        `encoder ${Math.round(mac.encoder)} / decoder ${Math.round(mac.decoder)} MAC/px (decode ${((mac.decoder * mp * 1e6) / dec / 1e9).toFixed(2)} GMAC/s)`,
    );
  }
  params.dispose();
}
