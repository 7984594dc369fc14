// `eval --model ID (--dataset NAME | <path...>) [--codecs jpeg,webp,avif]`: rate-distortion curves
// of the model's latent codec and the classical codecs on the same images, and BD-rates. Prints a
// table, or with --json {"model", "curves": {codec: {"bpp", "psnr-rgb", "ms-ssim-rgb", ...}},
// "bdRate": {codec: percent | null}, ...}. Exit 2 when some images could not be measured.
import { FAMILY_NAMES } from '../../core/engine/models/families.js';
import path from 'node:path';
import { TrainRequest } from '../../core/contract/engine.js';
import {
  evalMethods,
  type BdRateResult,
  type ClassicalCodecName,
  type CodecCurve,
  type CodeSizeSweepResult,
  type EvaluationResult,
} from '../../core/contract/eval.js';
import { isReliableBdRate, verdictLine, verdictOfEvaluation } from '../../core/metrics/verdict.js';
import { bdNumber } from '../../core/metrics/curves.js';
import { formatRatio } from '../../core/system/units.js';
import { stringFlag, UsageError, type CliCommand } from '../command.js';
import { flagName, schemaFlag } from '../schema-flags.js';
import { jobResult, onJobProgress } from '../job-events.js';

/** The requests these flags fill: their fields' schemas are the flags' rules. */
const EVAL = evalMethods.evaluateModel.input;
const SWEEP = evalMethods.sweepCodeSizes.input;
/** The training settings a code-size sweep takes, flags of the same names as train's. */
const SWEEP_TRAIN_FIELDS = ['arch', 'layers', 'tile', 'epochs', 'batchSize', 'seed', 'loss'] as const;

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
    // Ratios read as everywhere else (125:1), the studio's formatter.
    formatRatio(c.ratio[i]),
    formatRatio(c.rawRatio[i]),
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
  // Where the verdict reports no BD-rate (isReliableBdRate): mark it so the two never disagree. Under
  // 75% of the shorter curve's range the number rests on a part of the curves (the FAU tools warn too).
  const thin = !isReliableBdRate(r)
    ? ` (little overlap, ${(r.range[1] - r.range[0]).toFixed(1)} dB, ${Math.round(r.overlap * 100)}%: not reliable)`
    : r.overlap < 0.75
      ? ` (overlap ${Math.round(r.overlap * 100)}%)`
      : '';
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
  codecs: ClassicalCodecName[] | undefined,
  classicalQ: number[] | undefined,
) {
  const dataset = stringFlag(values, 'dataset');
  if (dataset === undefined) throw new UsageError('--code-sizes needs --dataset NAME');
  if (stringFlag(values, 'model') !== undefined) throw new UsageError('--code-sizes trains its own models; leave out --model');
  const codeSizes = schemaFlag(SWEEP, 'codeSizes', values)!;
  const train: Record<string, unknown> = {};
  for (const field of SWEEP_TRAIN_FIELDS) {
    const v = schemaFlag(TrainRequest, field, values);
    if (v !== undefined) train[field] = v;
  }
  const maxImages = schemaFlag(SWEEP, 'maxImages', values);
  const split = schemaFlag(SWEEP, 'split', values);
  const qualities = schemaFlag(SWEEP, 'qualities', values);
  const studio = env.studio();
  const bar = env.progress('code sizes');
  let done = 0;
  const off = onJobProgress(studio, ['eval.codesize'], (_id, e) => {
    if (e.phase === 'done' || e.phase === 'failed') done++;
    bar.update(done, e.count, `code ${e.codeSize}: ${e.phase}`);
  });
  let r: CodeSizeSweepResult;
  try {
    const started = await studio.call('sweepCodeSizes', {
      dataset,
      codeSizes,
      train,
      ...(split ? { split } : {}),
      ...(codecs ? { codecs } : {}),
      ...(qualities ? { qualities } : {}),
      ...(classicalQ ? { classicalQualities: Object.fromEntries((codecs ?? ['jpeg', 'webp', 'avif']).map((c) => [c, classicalQ])) } : {}),
      ...(maxImages !== undefined ? { maxImages } : {}),
    });
    r = await jobResult(studio, started.jobId, ['eval.codesize']);
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
    const split = schemaFlag(EVAL, 'split', values);
    if (split !== undefined && dataset === undefined) throw new UsageError('--split goes with --dataset');
    const codecs = schemaFlag(EVAL, 'codecs', values);
    if (model === undefined && codecs?.length === 0) throw new UsageError('nothing to evaluate: give --model or some --codecs');
    // One list for every classical codec, checked as each codec's list in the request is.
    const classicalQ = schemaFlag(EVAL, 'qualities', values, 'classical-qualities');
    const qualities = schemaFlag(EVAL, 'qualities', values);
    if (stringFlag(values, 'code-sizes') !== undefined) {
      if (positionals.length > 0) throw new UsageError('--code-sizes works on a --dataset, not on paths');
      return runCodeSizeSweep(values, env, codecs, classicalQ);
    }
    for (const field of SWEEP_TRAIN_FIELDS) {
      const flag = flagName(field);
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is a training setting: it goes with --code-sizes`);
    }
    const maxImages = schemaFlag(EVAL, 'maxImages', values);
    const studio = env.studio();
    const bar = env.progress('eval');
    const off = onJobProgress(studio, ['eval'], (_id, e) => {
      bar.update(e.done, e.total, `${path.basename(e.path)} ${e.codec} q${e.quality}`);
    });
    let ev: EvaluationResult;
    try {
      const started = await studio.call('evaluateModel', {
        ...(model !== undefined ? { model } : {}),
        ...(dataset !== undefined ? { dataset } : { paths: positionals }),
        ...(split !== undefined ? { split } : {}),
        ...(codecs !== undefined ? { codecs } : {}),
        ...(qualities ? { qualities } : {}),
        ...(classicalQ ? { classicalQualities: Object.fromEntries((codecs ?? ['jpeg', 'webp', 'avif']).map((c) => [c, classicalQ])) } : {}),
        ...(maxImages !== undefined ? { maxImages } : {}),
        ...(values.ssim ? { ssim: true } : {}),
        ...(values['no-start'] ? { withStart: false } : {}),
        ...(stringFlag(values, 'name') ? { name: stringFlag(values, 'name') } : {}),
      });
      ev = await jobResult(studio, started.jobId, ['eval']);
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
