// Where a model stands against JPEG, WebP and AVIF, in words, from the BD-rates of one evaluation
// (the same numbers the charts and the BD table show). Browser-safe: the renderer phrases the
// evaluation it shows with this, the CLI prints it, and the catalog keeps it with the evaluation.
import { CLASSICAL_CODEC_NAMES } from '../contract/eval.js';
import type { BdRatePair, BdRateResult, ClassicalCodecName, CodecCurve, CodecStanding, Verdict } from '../contract/eval.js';
import { CLASSICAL_CODECS } from './codecs.js';

/** "-18 %" style magnitude without the sign: the words carry the direction. */
function pct(v: number): string {
  const a = Math.abs(v);
  return `${a >= 10 ? a.toFixed(0) : a.toFixed(1)} %`;
}

function dbRange(r: readonly [number, number]): string {
  return `${r[0].toFixed(1)}–${r[1].toFixed(1)} dB`;
}

function db(v: number): string {
  return `${Math.abs(v).toFixed(1)} dB`;
}

/**
 * A BD-rate is reported only over a shared PSNR range of at least MIN_BD_SHARED_DB that covers at
 * least MIN_BD_OVERLAP of the shorter curve's range; else it rests on a sliver of the curves and
 * the verdict, the BD table and the evaluation lists (this one rule) give the BD-PSNR at equal size
 * instead. Measured against the shorter curve: a classical sweep reaching far past the model's own
 * range (JPEG q1-q95 spans 22-41 dB on the landscapes) does not make a comparison over the model's
 * whole range any less sound.
 */
export const MIN_BD_OVERLAP = 0.5;
export const MIN_BD_SHARED_DB = 1;

/** Whether a BD-rate is reported: there is one, and the curves share enough of their quality range. */
export function isReliableBdRate(r: BdRateResult | undefined): boolean {
  return r !== undefined && r.ok && r.overlap >= MIN_BD_OVERLAP && r.range[1] - r.range[0] >= MIN_BD_SHARED_DB;
}

/** One codec's standing from its BD-rate on PSNR. */
export function standingOf(codec: ClassicalCodecName, r: BdRateResult): CodecStanding {
  const label = CLASSICAL_CODECS[codec].shortLabel;
  if (r.ok && isReliableBdRate(r)) {
    const beats = r.bdRate < 0;
    const text = beats
      ? `beats ${label} by ${pct(r.bdRate)} (BD-rate: that many fewer bytes at equal PSNR)`
      : `behind ${label}: ${pct(r.bdRate)} more bytes at equal PSNR (BD-rate)`;
    return { codec, label, bdRate: r.bdRate, bdPsnr: r.bdQuality, beats, text };
  }
  // A BD-rate over a sliver of the PSNR range, or none: where the rates overlap, the mean PSNR
  // difference at equal size still says who wins.
  const why = r.ok
    ? `the PSNR ranges share only ${dbRange(r.range)} (${(r.range[1] - r.range[0]).toFixed(1)} dB, ${Math.round(r.overlap * 100)} % of the shorter one), too little for a BD-rate`
    : 'their PSNR ranges do not meet, so no BD-rate';
  const q = r.bdQuality ?? null;
  // A BD-rate over a sliver is not reported anywhere (bd-rate.ts isReliableBdRate): no figure here either.
  const bdRate = null;
  if (q !== null && Number.isFinite(q)) {
    const beats = q > 0;
    return {
      codec,
      label,
      bdRate,
      bdPsnr: q,
      beats,
      text: `${db(q)} ${beats ? 'better' : 'worse'} than ${label} at equal size (${why})`,
    };
  }
  const none = r.ok
    ? `${why}, and their sizes do not overlap`
    : r.reason === 'no-overlap' && r.testRange && r.anchorRange
      ? `this model reaches ${dbRange(r.testRange)}, ${label} ${dbRange(r.anchorRange)}, and their sizes do not overlap either`
      : r.message;
  return { codec, label, bdRate, bdPsnr: null, beats: null, text: `no comparison with ${label}: ${none}` };
}

function list(labels: string[]): string {
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** Under this PSNR the model's best reconstruction is too poor to use, whatever the BD-rates say. */
export const USABLE_PSNR_DB = 20;

/** The verdict of an evaluation: its BD-rates, and how good the model's best point is. */
export function verdictOfEvaluation(
  ev: {
    bdRate: Partial<Record<ClassicalCodecName, BdRatePair>>;
    curves: Partial<Record<string, CodecCurve>>;
    images?: number;
    split?: Split | null;
  },
  asked?: Split,
): Verdict {
  const psnr = (ev.curves.latent?.['psnr-rgb'] ?? []).map((v) => (v === null ? Infinity : v));
  const v = verdictOf(ev.bdRate, psnr.length ? Math.max(...psnr) : undefined);
  // Given the split the request asked for (a verdict after training asks VERDICT_EVAL.split), the
  // verdict says which images it was measured on, and why they are others.
  return asked !== undefined && ev.images !== undefined && ev.split !== undefined
    ? { ...v, measuredOn: measuredOn(ev.images, ev.split, asked) }
    : v;
}

type Split = 'train' | 'val' | 'test' | 'all';
const SPLIT_WORDS: Record<Split, string> = { val: 'validation ', test: 'test ', train: 'training ', all: '' };

/**
 * Which images a verdict was measured on. A request with splitFallback measures on another split
 * only where the one it asked for is empty (eval-jobs.ts), so a split other than `asked` says why.
 */
export function measuredOn(images: number, split: Split | null, asked: Split = VERDICT_EVAL.split): string {
  const what = `measured on ${images} ${split ? SPLIT_WORDS[split] : ''}image${images === 1 ? '' : 's'}`;
  if (split === null || split === asked) return what;
  const missing = asked === 'val' && split === 'train' ? 'validation or test' : SPLIT_WORDS[asked].trim();
  const trained = split === 'train' ? ', so these are images it was trained on' : '';
  return `${what}: the dataset has no ${missing} images${trained}`;
}

/** The verdict of one evaluation's BD-rates (absent codecs are left out). */
export function verdictOf(bd: Partial<Record<ClassicalCodecName, BdRatePair>>, bestPsnr?: number): Verdict {
  const standings = CLASSICAL_CODEC_NAMES.filter((c) => bd[c]).map((c) => standingOf(c, bd[c]!.psnr));
  const known = standings.filter((s) => s.beats !== null);
  const won = known.filter((s) => s.beats).map((s) => s.label);
  const lost = known.filter((s) => !s.beats).map((s) => s.label);
  let level: Verdict['level'];
  let summary: string;
  if (known.length === 0) {
    level = 'unknown';
    summary = standings.length === 0 ? 'not compared with JPEG, WebP or AVIF yet' : 'no comparison possible: the curves do not meet';
  } else if (lost.length === 0) {
    level = 'beats-all';
    summary = `beats ${list(won)}`;
  } else if (won.length === 0) {
    level = 'loses-all';
    summary = `worse than ${list(lost)}: train it longer (from a base model where one fits)`;
  } else {
    level = 'mixed';
    summary = `beats ${list(won)}; behind ${list(lost)}`;
  }
  const unknown = standings.filter((s) => s.beats === null).map((s) => s.label);
  if (known.length > 0 && unknown.length > 0) summary += `; not comparable with ${list(unknown)} (the curves do not meet)`;
  if (bestPsnr !== undefined && bestPsnr < USABLE_PSNR_DB) {
    // A model whose best is a blur is not good news, even where the classical codecs cannot go as small.
    summary += `; but its best quality is only ${bestPsnr.toFixed(1)} dB PSNR, too blurred to use: train it longer (from a base model where one fits)`;
    if (level === 'beats-all') level = 'mixed';
  }
  return { level, summary, standings };
}

/** One line for a terminal or a status bar: the summary, then each codec's figure. */
export function verdictLine(v: Verdict): string {
  const figures = v.standings
    .map((s) =>
      s.bdRate !== null
        ? `${s.label} ${s.bdRate >= 0 ? '+' : ''}${s.bdRate.toFixed(1)} %`
        : s.bdPsnr !== null
          ? `${s.label} ${s.bdPsnr >= 0 ? '+' : ''}${s.bdPsnr.toFixed(2)} dB`
          : `${s.label} n/a`,
    )
    .join(', ');
  const line = figures ? `${v.summary} (BD-rate ${figures})` : v.summary;
  return v.measuredOn ? `${line}; ${v.measuredOn}` : line;
}

/** The evaluation a verdict after training runs: the model's validation images, every classical codec. */
export const VERDICT_EVAL = {
  split: 'val',
  maxImages: 12,
  /** Enough qualities for a curve; fewer than a full sweep so it takes seconds to a minute or two. */
  qualities: [5, 25, 45, 65, 85, 100],
} as const;

/** The evaluateModel request of a verdict (the CLI's train and the renderer's training monitor send it). */
export function verdictRequest(model: { id: string; name: string }, dataset: string) {
  return {
    model: model.id,
    dataset,
    split: VERDICT_EVAL.split,
    // A dataset too small for validation images is measured on its test, else training, images.
    splitFallback: true,
    maxImages: VERDICT_EVAL.maxImages,
    qualities: [...VERDICT_EVAL.qualities],
    withStart: false,
    name: `verdict of ${model.name} on ${dataset} (validation)`,
  };
}
