// `eval --model ID (--dataset NAME | <path...>) [--codecs jpeg,webp,avif]`: rate-distortion curves
// of the model's latent codec and the classical codecs on the same images, and BD-rates. Prints a
// table, or with --json {"model", "curves": {codec: {"bpp", "psnr-rgb", "ms-ssim-rgb", ...}},
// "bdRate": {codec: percent | null}, ...}. Exit 2 when some images could not be measured.
import { FAMILY_NAMES, type FamilyName } from '../../core/engine/models/families.js';
import path from 'node:path';
import type {
  BdRateResult,
  CodecCurve,
  CodeSizeProgress,
  CodeSizeSweepResult,
  EvalProgress,
  EvaluationResult,
} from '../../core/contract/eval.js';
import { isClassicalCodec, type ClassicalCodec } from '../../core/metrics/codecs.js';
import { verdictLine, verdictOfEvaluation } from '../../core/metrics/verdict.js';
import { intFlag, stringFlag, UsageError, type CliCommand } from '../command.js';

function listFlag(values: Record<string, unknown>, name: string): string[] | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function qualitiesFlag(values: Record<string, unknown>, name: string): number[] | undefined {
  const list = listFlag(values, name);
  if (!list) return undefined;
  return list.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--${name} takes integers from 1 to 100, got '${s}'`);
    return n;
  });
}

function bdNumber(r: BdRateResult | undefined): number | null {
  return r && r.ok ? r.bdRate : null;
}

function fmt(v: number | null | undefined, digits: number): string {
  if (v === null) return 'inf';
  if (v === undefined || Number.isNaN(v)) return '-';
  return v.toFixed(digits);
}

function curveTable(c: CodecCurve, withEffective: boolean): string[] {
  const head = [
    'quality',
    'bpp',
    ...(withEffective ? ['eff. bpp'] : []),
    'PSNR dB',
    'MS-SSIM',
    ...(c.ssim ? ['SSIM'] : []),
    'ratio',
    'raw ratio',
    'enc s',
    'dec s',
  ];
  const rows = c.quality.map((q, i) => [
    String(q),
    fmt(c.bpp[i], 4),
    ...(withEffective ? [fmt(c.effectiveBpp?.[i], 4)] : []),
    fmt(c['psnr-rgb'][i], 2),
    fmt(c['ms-ssim-rgb'][i], 4),
    ...(c.ssim ? [fmt(c.ssim[i], 4)] : []),
    fmt(c.ratio[i], 1),
    fmt(c.rawRatio[i], 1),
    fmt(c.encoding_time[i], 3),
    fmt(c.decoding_time[i], 3),
  ]);
  return table([head, ...rows]);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) => '  ' + r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  '));
}

function bdText(r: BdRateResult | undefined): string {
  if (!r) return '-';
  if (!r.ok) {
    if (r.reason !== 'no-overlap') return 'too few points';
    const gap = typeof r.bdQuality === 'number' ? ` (${r.bdQuality >= 0 ? '+' : ''}${r.bdQuality.toFixed(2)} dB at equal rate)` : '';
    return `no overlap${gap}`;
  }
  // Under 75% shared range the number rests on a small part of the curves (the FAU tools warn too).
  const thin = r.overlap < 0.75 ? ` (overlap ${Math.round(r.overlap * 100)}%)` : '';
  return `${r.bdRate >= 0 ? '+' : ''}${r.bdRate.toFixed(1)}%${thin}`;
}

export function evalText(ev: EvaluationResult): string {
  const lines: string[] = [];
  lines.push(`evaluation ${ev.id}: ${ev.name}`);
  lines.push(
    `${ev.images} image${ev.images === 1 ? '' : 's'}${ev.failed.length ? `, ${ev.failed.length} failed` : ''}, ${ev.seconds.toFixed(1)} s`,
  );
  for (const c of Object.values(ev.curves)) {
    if (!c) continue;
    lines.push(
      '',
      `${c.label}${c.codec === 'latent' && ev.decoderBytes !== undefined ? ` (decoder ${ev.decoderBytes} bytes over ${ev.images} images)` : ''}`,
    );
    lines.push(...curveTable(c, c.codec === 'latent' && c.effectiveBpp !== undefined));
  }
  const pairs = Object.entries(ev.bdRate);
  if (pairs.length > 0) {
    lines.push('', 'BD-rate of the latent codec (negative = fewer bits at equal quality; PCHIP, VCEG-M33):');
    lines.push(...table([['against', 'on PSNR', 'on MS-SSIM'], ...pairs.map(([codec, p]) => [codec, bdText(p?.psnr), bdText(p?.msssim)])]));
    for (const [codec, p] of pairs) {
      for (const [axis, r] of [
        ['PSNR', p?.psnr],
        ['MS-SSIM', p?.msssim],
      ] as const)
        if (r && !r.ok) lines.push(`  ${codec} ${axis}: ${r.message}`);
    }
  }
  if (ev.model !== null && pairs.length > 0) lines.push('', `verdict: ${verdictLine(verdictOfEvaluation(ev))}`);
  if (ev.start)
    lines.push(
      '',
      `fine-tuning from ${ev.start.name} (${ev.start.id}) bought: BD-rate ${bdText(ev.start.bdRate.psnr)} on PSNR, ${bdText(ev.start.bdRate.msssim)} on MS-SSIM (negative = fewer bits than the start model)`,
    );
  for (const f of ev.failed) lines.push(`failed: ${f.error}`);
  return lines.join('\n');
}

/** The --json document: DESIGN.md section 5's fields first, then the rest of the evaluation. */
export function evalJson(ev: EvaluationResult): Record<string, unknown> {
  const bdRate: Record<string, number | null> = {};
  const bdRateMsssim: Record<string, number | null> = {};
  for (const [codec, p] of Object.entries(ev.bdRate)) {
    bdRate[codec] = bdNumber(p?.psnr);
    bdRateMsssim[codec] = bdNumber(p?.msssim);
  }
  return {
    model: ev.model,
    curves: ev.curves,
    bdRate,
    bdRateMsssim,
    bdRateDetail: ev.bdRate,
    ...(ev.model !== null && Object.keys(ev.bdRate).length > 0 ? { verdict: verdictOfEvaluation(ev) } : {}),
    evaluation: ev.id,
    name: ev.name,
    dataset: ev.dataset,
    split: ev.split,
    images: ev.images,
    failed: ev.failed,
    decoderBytes: ev.decoderBytes ?? null,
    ...(ev.start
      ? {
          start: {
            id: ev.start.id,
            name: ev.start.name,
            bdRate: bdNumber(ev.start.bdRate.psnr),
            bdRateMsssim: bdNumber(ev.start.bdRate.msssim),
          },
        }
      : {}),
    seconds: ev.seconds,
    perImage: ev.perImage,
  };
}

function intList(values: Record<string, unknown>, name: string, min: number, max: number): number[] | undefined {
  const list = listFlag(values, name);
  if (!list) return undefined;
  return list.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} takes integers from ${min} to ${max}, got '${v}'`);
    return n;
  });
}

function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
}

export function codeSizeText(r: CodeSizeSweepResult): string {
  const codecs = Object.keys(r.rows.find((row) => !row.error)?.bdRatePsnr ?? {});
  const head = [
    'code size',
    'model',
    'train s',
    'epochs',
    'val PSNR',
    'weights B',
    'decoder B',
    'params',
    ...codecs.flatMap((c) => [`BD ${c} PSNR`, `BD ${c} MS-SSIM`]),
  ];
  const rows = r.rows.map((row) => [
    String(row.codeSize),
    row.model ?? '-',
    fmt(row.trainSeconds ?? undefined, 1),
    row.epochs === null ? '-' : String(row.epochs),
    fmt(row.valPsnr ?? undefined, 2),
    row.modelBytes === null ? '-' : String(row.modelBytes),
    row.decoderBytes === null ? '-' : String(row.decoderBytes),
    row.parameters === null ? '-' : String(row.parameters),
    ...codecs.flatMap((c) => [pct(row.bdRatePsnr[c as 'jpeg']), pct(row.bdRateMsssim[c as 'jpeg'])]),
  ]);
  const lines = [
    `code-size sweep ${r.jobId} on ${r.dataset} (${r.split}, ${r.images} images), ${r.seconds.toFixed(1)} s`,
    ...table([head, ...rows]),
  ];
  for (const [key, c] of Object.entries(r.curves)) {
    lines.push('', `${c.label} [${key}]`, ...curveTable(c, c.effectiveBpp !== undefined));
  }
  for (const row of r.rows) if (row.error) lines.push(`code size ${row.codeSize} failed: ${row.error}`);
  lines.push('', 'BD-rate: negative = fewer bits than the classical codec at equal quality; n/a = the curves do not overlap.');
  return lines.join('\n');
}

async function runCodeSizeSweep(
  values: Record<string, unknown>,
  env: Parameters<CliCommand['run']>[1],
  codecs: ClassicalCodec[] | undefined,
  classicalQ: number[] | undefined,
) {
  const dataset = stringFlag(values, 'dataset');
  if (dataset === undefined) throw new UsageError('--code-sizes needs --dataset NAME');
  if (stringFlag(values, 'model') !== undefined) throw new UsageError('--code-sizes trains its own models; leave out --model');
  const codeSizes = intList(values, 'code-sizes', 1, 4096)!;
  const arch = stringFlag(values, 'arch');
  if (arch !== undefined && !(FAMILY_NAMES as readonly string[]).includes(arch))
    throw new UsageError(`--arch must be one of ${FAMILY_NAMES.join(', ')}, got '${arch}'`);
  const loss = stringFlag(values, 'loss');
  if (loss !== undefined && loss !== 'mse' && loss !== 'bce') throw new UsageError(`--loss must be mse or bce, got '${loss}'`);
  const layers = intList(values, 'layers', 1, 16384);
  const epochs = intFlag(values, 'epochs', 1, 10000);
  const seed = intFlag(values, 'seed', 0, 2 ** 31 - 1);
  const tile = intFlag(values, 'tile', 0, 1024);
  const batchSize = intFlag(values, 'batch-size', 1, 4096);
  const maxImages = intFlag(values, 'max-images', 1, 100_000);
  const split = stringFlag(values, 'split') as 'train' | 'val' | 'test' | 'all' | undefined;
  const qualities = qualitiesFlag(values, 'qualities');
  const studio = env.studio();
  const bar = env.progress('code sizes');
  let done = 0;
  const off = studio.on((name, p) => {
    if (name !== 'codeSizeProgress') return;
    const e = p as CodeSizeProgress;
    if (e.phase === 'done' || e.phase === 'failed') done++;
    bar.update(done, e.count, `code ${e.codeSize}: ${e.phase}`);
  });
  let r: CodeSizeSweepResult;
  try {
    const started = await studio.call('sweepCodeSizes', {
      dataset,
      codeSizes,
      train: {
        ...(arch ? { arch: arch as FamilyName } : {}),
        ...(loss ? { loss: loss as 'mse' | 'bce' } : {}),
        ...(layers ? { layers } : {}),
        ...(epochs !== undefined ? { epochs } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(tile !== undefined ? { tile } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
      },
      ...(split ? { split } : {}),
      ...(codecs ? { codecs } : {}),
      ...(qualities ? { qualities } : {}),
      ...(classicalQ ? { classicalQualities: Object.fromEntries((codecs ?? ['jpeg', 'webp', 'avif']).map((c) => [c, classicalQ])) } : {}),
      ...(maxImages !== undefined ? { maxImages } : {}),
    });
    r = await studio.call('awaitCodeSizeSweep', { jobId: started.jobId });
  } finally {
    off();
    bar.done();
  }
  const failed = r.rows.filter((row) => row.error).length;
  return { json: r, text: codeSizeText(r), exitCode: failed > 0 ? (2 as const) : (0 as const) };
}

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'rate-distortion curves of a model against JPEG, WebP and AVIF on the same images, with BD-rates',
  usage:
    'eval --model ID (--dataset NAME [--split test|val|train|all] | <path...>) [--codecs jpeg,webp,avif] [--qualities Q,Q,..] [--classical-qualities Q,Q,..] [--max-images N] [--ssim] [--no-start] [--csv FILE] [--compressai FILE]\n' +
    '            (a fine-tuned model is measured beside the model it started from unless --no-start)\n' +
    `       eval --dataset NAME --code-sizes N,N,.. [--arch ${FAMILY_NAMES.join('|')}] [--layers N,N,..] [--tile N] [--epochs N] [--batch-size N] [--seed N] [--loss mse|bce] [--codecs ..] [--qualities ..] [--max-images N]\n` +
    '            (trains one model per code size, all else equal, and evaluates each)',
  options: {
    model: { type: 'string' },
    dataset: { type: 'string' },
    split: { type: 'string' },
    codecs: { type: 'string' },
    qualities: { type: 'string' },
    'classical-qualities': { type: 'string' },
    'max-images': { type: 'string' },
    ssim: { type: 'boolean' },
    'no-start': { type: 'boolean' },
    csv: { type: 'string' },
    compressai: { type: 'string' },
    name: { type: 'string' },
    'code-sizes': { type: 'string' },
    arch: { type: 'string' },
    layers: { type: 'string' },
    tile: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    seed: { type: 'string' },
    loss: { type: 'string' },
  },
  positionals: true,
  async run({ values, positionals }, env) {
    const model = stringFlag(values, 'model');
    const dataset = stringFlag(values, 'dataset');
    if ((dataset === undefined) === (positionals.length === 0)) throw new UsageError('eval needs --dataset NAME or image paths (not both)');
    const split = stringFlag(values, 'split');
    if (split !== undefined && !['train', 'val', 'test', 'all'].includes(split))
      throw new UsageError(`--split must be train, val, test or all, got '${split}'`);
    if (split !== undefined && dataset === undefined) throw new UsageError('--split goes with --dataset');
    const codecNames = listFlag(values, 'codecs');
    const codecs: ClassicalCodec[] | undefined = codecNames?.map((c) => {
      if (!isClassicalCodec(c)) throw new UsageError(`--codecs takes jpeg, webp and avif, got '${c}'`);
      return c;
    });
    if (model === undefined && codecs?.length === 0) throw new UsageError('nothing to evaluate: give --model or some --codecs');
    const classicalQ = qualitiesFlag(values, 'classical-qualities');
    if (stringFlag(values, 'code-sizes') !== undefined) {
      if (positionals.length > 0) throw new UsageError('--code-sizes works on a --dataset, not on paths');
      return runCodeSizeSweep(values, env, codecs, classicalQ);
    }
    for (const flag of ['arch', 'layers', 'tile', 'epochs', 'batch-size', 'seed', 'loss']) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is a training setting: it goes with --code-sizes`);
    }
    const maxImages = intFlag(values, 'max-images', 1, 100_000);
    const studio = env.studio();
    const bar = env.progress('eval');
    const off = studio.on((name, p) => {
      if (name !== 'evalProgress') return;
      const e = p as EvalProgress;
      bar.update(e.done, e.total, `${path.basename(e.path)} ${e.codec} q${e.quality}`);
    });
    let ev: EvaluationResult;
    try {
      const started = await studio.call('evaluateModel', {
        ...(model !== undefined ? { model } : {}),
        ...(dataset !== undefined ? { dataset } : { paths: positionals }),
        ...(split !== undefined ? { split: split as 'train' | 'val' | 'test' | 'all' } : {}),
        ...(codecs !== undefined ? { codecs } : {}),
        ...(qualitiesFlag(values, 'qualities') ? { qualities: qualitiesFlag(values, 'qualities') } : {}),
        ...(classicalQ ? { classicalQualities: Object.fromEntries((codecs ?? ['jpeg', 'webp', 'avif']).map((c) => [c, classicalQ])) } : {}),
        ...(maxImages !== undefined ? { maxImages } : {}),
        ...(values.ssim ? { ssim: true } : {}),
        ...(values['no-start'] ? { withStart: false } : {}),
        ...(stringFlag(values, 'name') ? { name: stringFlag(values, 'name') } : {}),
      });
      ev = await studio.call('awaitEvaluation', { jobId: started.jobId });
    } finally {
      off();
      bar.done();
    }
    const written: string[] = [];
    const csv = stringFlag(values, 'csv');
    if (csv) written.push((await studio.call('exportEvaluation', { id: ev.id, format: 'csv', perImage: true, path: csv })).path!);
    const cai = stringFlag(values, 'compressai');
    if (cai) written.push((await studio.call('exportEvaluation', { id: ev.id, format: 'json', path: cai })).path!);
    const text = [evalText(ev), ...written.map((w) => `wrote ${w}`)].join('\n');
    return { json: { ...evalJson(ev), ...(written.length ? { written } : {}) }, text, exitCode: ev.failed.length > 0 ? 2 : 0 };
  },
};
