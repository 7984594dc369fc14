// Memory and speed of one very large image through the CLI: a 24-megapixel photo (an upscaled crop
// of a shared large photo, or --input) is compressed with the shipped base-photo model and
// decompressed back, each run in a fresh process so its peak RSS (every thread) is its own:
//   parallel: `compress FILE` / `decompress FILE` (one image: its tiles over every core)
//   serial:   the same with `--workers 1` (a batch of one: one worker, tiles in that thread)
// Prints, per run, wall seconds, megapixels per second and per CPU-second, peak RSS sampled every
// 50 ms and the kernel's maxRSS, the load average before and after; checks that serial and
// parallel made the same .latent bytes and the same pixels. The target: decompress under 1.5 GB.
//
//   node bin/run-ts.js scripts/bench/decode-large.ts [--input PHOTO] [--megapixels 24] [--quality 60] [--keep]
//
// Heavy: a 24 MP decode is about a minute of both cores here; run it alone on a quiet machine.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DATA = path.resolve(process.env.LATENT_STUDIO_DATA ?? path.join(ROOT, '../shared/data'));
const SOURCE = path.join(DATA, 'D_large_photos', 'plasma_Kite_2560x1600.jpg');
const { values } = parseArgs({
  options: {
    input: { type: 'string' },
    megapixels: { type: 'string', default: '24' },
    quality: { type: 'string', default: '60' },
    keep: { type: 'boolean', default: false },
    // Internal: one measured CLI run in a child process (the arguments after --).
    child: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

interface RunFigures {
  exitCode: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  maxRssMb: number;
  json: unknown;
}

// ---- child: one CLI command, measured ------------------------------------------------------

async function child(argv: string[]): Promise<void> {
  const { main } = await import('../../src-main/cli/main.js');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  let out = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const exitCode = await main(argv, { stdout, stderr: process.stderr, env: process.env });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const figures: RunFigures = {
    exitCode,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: peak / 2 ** 20,
    // ru_maxrss: the kernel's peak resident set of this process, all threads (KiB on Linux).
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    json: out.trim() ? JSON.parse(out) : null,
  };
  // Exits once the line is out (a pipe is written asynchronously).
  process.stdout.write(`RESULT ${JSON.stringify(figures)}\n`, () => process.exit(0));
}

// ---- parent ----------------------------------------------------------------------------------

function log(line = ''): void {
  process.stdout.write(line + '\n');
}

const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

function run(argv: string[]): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), import.meta.filename, '--child', '--', ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = text.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) reject(new Error(`child exited ${code} without a result:\n${text}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as RunFigures);
    });
  });
}

/** A photo of about `mp` megapixels, 3:2: a crop of the shared photo upscaled (cached). */
async function makePhoto(dir: string, mp: number): Promise<string> {
  const h = Math.round(Math.sqrt((mp * 1e6) / 1.5) / 16) * 16;
  const w = Math.round((h * 1.5) / 16) * 16;
  const file = path.join(dir, `photo-${w}x${h}.jpg`);
  if (existsSync(file)) return file;
  const m = await sharp(SOURCE).metadata();
  const ch = Math.min(m.height!, Math.round(m.width! / 1.5));
  await sharp(SOURCE)
    .extract({
      left: Math.floor((m.width! - ch * 1.5) / 2),
      top: Math.floor((m.height! - ch) / 2),
      width: Math.round(ch * 1.5),
      height: ch,
    })
    .resize(w, h, { kernel: 'lanczos3' })
    .jpeg({ quality: 92 })
    .toFile(file);
  return file;
}

async function pixelsHash(file: string): Promise<string> {
  const { data } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return createHash('sha256').update(data).digest('hex');
}

async function parent(): Promise<void> {
  const work = path.join(os.tmpdir(), 'latent-studio-bench-decode-large');
  mkdirSync(work, { recursive: true });
  const photo = values.input ? path.resolve(values.input) : await makePhoto(work, Number(values.megapixels));
  const meta = await sharp(photo).metadata();
  const mp = (meta.width! * meta.height!) / 1e6;
  const home = path.join(work, `home-${process.pid}`);
  const quality = values.quality!;
  log(`decode-large: ${path.basename(photo)}, ${meta.width}x${meta.height} (${mp.toFixed(1)} MP), base-photo at quality ${quality}`);
  log(`cores ${os.availableParallelism()}, load average at start ${load()}`);
  const rows: string[] = [];
  const figures = new Map<string, RunFigures>();
  const measure = async (label: string, argv: string[]) => {
    const before = load();
    const f = await run(['--home', home, '--json', ...argv]);
    if (f.exitCode !== 0) throw new Error(`${label}: exit ${f.exitCode}: ${JSON.stringify(f.json)}`);
    figures.set(label, f);
    const line =
      `${label.padEnd(22)} ${f.seconds.toFixed(1).padStart(6)} s  ${(mp / f.seconds).toFixed(3)} MP/s  ` +
      `${f.cpuSeconds.toFixed(1).padStart(6)} CPU s (${(f.cpuSeconds / f.seconds).toFixed(2)} cores)  ${(mp / f.cpuSeconds).toFixed(3)} MP/CPU-s  ` +
      `peak RSS ${f.peakRssMb.toFixed(0)} MB sampled, ${f.maxRssMb.toFixed(0)} MB maxRSS   load ${before} -> ${load()}`;
    log(line);
    rows.push(line);
  };
  const dirs = { par: path.join(work, 'out-parallel'), ser: path.join(work, 'out-serial') };
  for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  try {
    const stem = path.parse(photo).name;
    await measure('compress parallel', ['compress', '--model', 'base-photo', photo, '--out', dirs.par, '--quality', quality]);
    await measure('compress serial', [
      'compress',
      '--model',
      'base-photo',
      photo,
      '--out',
      dirs.ser,
      '--quality',
      quality,
      '--workers',
      '1',
    ]);
    const latent = path.join(dirs.par, `${stem}.latent`);
    const same = readFileSync(latent).equals(readFileSync(path.join(dirs.ser, `${stem}.latent`)));
    log(`  .latent ${readFileSync(latent).length} bytes; serial and parallel bytes identical: ${same}`);
    const back = { par: path.join(dirs.par, 'back'), ser: path.join(dirs.ser, 'back') };
    await measure('decompress parallel', ['decompress', latent, '--out', back.par]);
    await measure('decompress serial', ['decompress', latent, '--out', back.ser, '--workers', '1']);
    const pix = await Promise.all([pixelsHash(path.join(back.par, `${stem}.png`)), pixelsHash(path.join(back.ser, `${stem}.png`))]);
    log(`  decoded pixels identical: ${pix[0] === pix[1]}`);
    const worst = Math.max(figures.get('decompress parallel')!.maxRssMb, figures.get('decompress serial')!.maxRssMb);
    log(`target: decompress peak RSS under 1536 MB: ${worst < 1536 ? 'met' : 'NOT met'} (worst ${worst.toFixed(0)} MB)`);
  } finally {
    if (!values.keep) {
      rmSync(home, { recursive: true, force: true });
      for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
    }
  }
  log(`load average at end ${load()}`);
}

if (values.child) await child(process.argv.slice(process.argv.indexOf('--') + 1));
else await parent();
