// `train --dataset NAME [--arch FAMILY] [--minutes N | --steps N | --epochs N] [--lambdas X,Y,..] ...`
// `train --resume JOB` continues an interrupted training job. Family names come from the registry.
// `train --on-host ...` trains on the training host saved in the settings (core/remote/): the same
// progress and result; the model comes back into this catalog.
// A progress bar on stderr; --json: {"model","backend","epochs","loss","valLoss","seconds","samplesPerSecond",...}.
import type { TrainProgressPayload, TrainRequest, TrainResult } from '../../core/contract/engine.js';
import type { EvalProgress, Verdict } from '../../core/contract/eval.js';
import type { TrainHostProgress } from '../../core/contract/remote.js';
import type { Studio } from '../../core/studio.js';
import { verdictLine, verdictOfEvaluation, verdictRequest } from '../../core/metrics/verdict.js';
import { FAMILY_NAMES } from '../../core/engine/models/families.js';
import { backendLine } from '../../core/engine/backend-words.js';
import { intFlag, requiredFlag, stringFlag, UsageError, type CliCommand } from '../command.js';

function floatListFlag(raw: string | undefined, name: string): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.length > 8 || parts.some((n) => !(n > 0 && n <= 10)))
    throw new UsageError(`--${name} must be 1 to 8 numbers in (0, 10] separated by commas, got '${raw}'`);
  return parts;
}

function listFlag(raw: string | undefined, name: string): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(`--${name} must be positive integers separated by commas, got '${raw}'`);
  return parts;
}

function oneOf<T extends string>(raw: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  return raw as T;
}

function resultText(r: TrainResult): string {
  const psnr = r.valPsnr === null ? '' : `, validation PSNR ${r.valPsnr.toFixed(2)} dB`;
  if (r.rd && r.rd.length > 0) {
    const curve = r.rd.map((p) => `${p.bpp.toFixed(3)} bpp / ${p.psnr.toFixed(2)} dB`).join(', ');
    return [
      `model ${r.model} (${r.name}, ${r.arch}) trained on ${r.backend}: ${r.steps ?? 0} steps (${r.epochs} epochs) in ${r.seconds.toFixed(1)} s, ${Math.round(r.samplesPerSecond)} samples/s`,
      r.startedFrom
        ? `started from ${r.startedFrom.name} (${r.startedFrom.id}); --from-scratch trains from random weights`
        : 'trained from scratch',
      `validation (entropy-model rate, lowest to highest quality): ${curve}`,
      ...(r.mac ? [`decoder ${Math.round(r.mac.decoder)} MAC/pixel, encoder ${Math.round(r.mac.encoder)}`] : []),
      `seed ${r.seed}; backend ${r.backend}: ${r.backendReason}`,
    ].join('\n');
  }
  return [
    `model ${r.model} (${r.name}, ${r.arch}) trained on ${r.backend}: ${r.epochs} epochs in ${r.seconds.toFixed(1)} s, ${Math.round(r.samplesPerSecond)} samples/s`,
    `loss ${r.loss.toFixed(4)}, validation loss ${r.valLoss?.toFixed(4) ?? '-'}${psnr}${r.stoppedEarly ? ' (stopped early)' : ''}; seed ${r.seed}`,
    `backend ${r.backend}: ${r.backendReason}`,
  ].join('\n');
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: `train a model on a dataset (families: ${FAMILY_NAMES.join(', ')})`,
  usage: `train --dataset NAME [--arch ${FAMILY_NAMES.join('|')}] [--minutes N] [--steps N] [--lambdas X,Y,..] [--code-size N] [--layers N,N,..] [--decoder-layers N,N,..] [--loss mse|bce] [--activation relu|elu|tanh|sigmoid] [--tile N] [--downsample 8|16] [--channels N] [--code-channels N] [--color auto|gray|rgb] [--epochs N] [--batch-size N] [--learning-rate X] [--patience N] [--seed N] [--name NAME] [--init-from MODEL | --from-scratch] [--workers N] [--no-verdict] [--on-host]\n       train --resume JOB\n       (after training, the model is measured against JPEG, WebP and AVIF on its validation images unless --no-verdict)`,
  options: {
    dataset: { type: 'string' },
    minutes: { type: 'string' },
    steps: { type: 'string' },
    lambdas: { type: 'string' },
    resume: { type: 'string' },
    arch: { type: 'string' },
    'code-size': { type: 'string' },
    layers: { type: 'string' },
    'decoder-layers': { type: 'string' },
    loss: { type: 'string' },
    activation: { type: 'string' },
    tile: { type: 'string' },
    downsample: { type: 'string' },
    channels: { type: 'string' },
    'code-channels': { type: 'string' },
    color: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'learning-rate': { type: 'string' },
    'no-verdict': { type: 'boolean' },
    patience: { type: 'string' },
    seed: { type: 'string' },
    name: { type: 'string' },
    'init-from': { type: 'string' },
    'from-scratch': { type: 'boolean' },
    workers: { type: 'string' },
    'on-host': { type: 'boolean' },
  },
  positionals: false,
  async run({ values }, env) {
    const lrRaw = stringFlag(values, 'learning-rate');
    const lr = lrRaw === undefined ? undefined : Number(lrRaw);
    if (lr !== undefined && !(lr > 0 && lr <= 1)) throw new UsageError(`--learning-rate must be a number in (0, 1], got '${lrRaw}'`);
    const downsample = intFlag(values, 'downsample', 8, 16);
    if (downsample !== undefined && downsample !== 8 && downsample !== 16) throw new UsageError('--downsample must be 8 or 16');
    const minutesRaw = stringFlag(values, 'minutes');
    const minutes = minutesRaw === undefined ? undefined : Number(minutesRaw);
    if (minutes !== undefined && !(minutes > 0 && minutes <= 10080))
      throw new UsageError(`--minutes must be a number in (0, 10080], got '${minutesRaw}'`);
    const resume = intFlag(values, 'resume', 1, 2 ** 31 - 1);
    const req: TrainRequest | undefined =
      resume !== undefined
        ? undefined
        : {
            dataset: requiredFlag(values, 'dataset'),
            ...defined('arch', oneOf(stringFlag(values, 'arch'), 'arch', FAMILY_NAMES)),
            ...defined('minutes', minutes),
            ...defined('steps', intFlag(values, 'steps', 1, 10_000_000)),
            ...defined('lambdas', floatListFlag(stringFlag(values, 'lambdas'), 'lambdas')),
            ...defined('codeSize', intFlag(values, 'code-size', 1, 4096)),
            ...defined('layers', listFlag(stringFlag(values, 'layers'), 'layers')),
            ...defined('decoderLayers', listFlag(stringFlag(values, 'decoder-layers'), 'decoder-layers')),
            ...defined('loss', oneOf(stringFlag(values, 'loss'), 'loss', ['bce', 'mse'] as const)),
            ...defined('activation', oneOf(stringFlag(values, 'activation'), 'activation', ['relu', 'elu', 'tanh', 'sigmoid'] as const)),
            ...defined('tile', intFlag(values, 'tile', 0, 1024)),
            ...defined('downsample', downsample as 8 | 16 | undefined),
            ...defined('channels', intFlag(values, 'channels', 4, 512)),
            ...defined('codeChannels', intFlag(values, 'code-channels', 1, 256)),
            ...defined('color', oneOf(stringFlag(values, 'color'), 'color', ['auto', 'gray', 'rgb'] as const)),
            ...defined('epochs', intFlag(values, 'epochs', 1, 10000)),
            ...defined('batchSize', intFlag(values, 'batch-size', 1, 4096)),
            ...defined('learningRate', lr),
            ...defined('patience', intFlag(values, 'patience', 0, 1000)),
            ...defined('seed', intFlag(values, 'seed', 0, 2 ** 31 - 1)),
            ...defined('name', stringFlag(values, 'name')),
            ...defined('initFrom', stringFlag(values, 'init-from')),
            ...(values['from-scratch'] === true ? { fromScratch: true } : {}),
            ...defined('workers', intFlag(values, 'workers', 1, 64)),
          };
    const studio = env.studio();
    const bar = env.progress('train');
    let jobId = 0;
    let epochs = req?.epochs ?? 0;
    let epoch = 0;
    let off2 = () => {};
    const off = studio.on((name, payload) => {
      if (name !== 'trainProgress') return;
      const p = payload as TrainProgressPayload;
      if (p.jobId !== jobId) return;
      if (p.kind === 'epoch') {
        epoch = p.epoch;
        epochs = p.epochs;
        const rd =
          p.valBpp !== undefined
            ? `val ${p.valBpp.toFixed(3)} bpp ${p.valPsnr?.toFixed(2) ?? '-'} dB`
            : `val ${p.valLoss?.toFixed(4) ?? '-'}`;
        bar.update(epoch, epochs, `loss ${p.loss.toFixed(4)} ${rd} ${Math.round(p.samplesPerSecond)}/s`);
      } else if (p.kind === 'batch' && epochs > 0) {
        const rd = p.bpp !== undefined ? ` ${p.bpp.toFixed(3)} bpp ${p.psnr?.toFixed(2)} dB` : '';
        bar.update(epoch, epochs, `epoch ${p.epoch} batch ${p.batch} loss ${p.loss.toFixed(4)}${rd} ${Math.round(p.samplesPerSecond)}/s`);
      } else if (p.kind === 'skipped') {
        env.stderr.write(`\nskipped ${p.reason}\n`);
      } else if (p.kind === 'backend' && p.backend !== 'tensorflow') {
        // Once per run, and only when the fast native backend is not the one in use.
        env.stderr.write(`${backendLine(p)}\n`);
      }
    });
    const onHost = values['on-host'] === true;
    if (onHost) {
      off2 = studio.on((name, payload) => {
        const p = payload as TrainHostProgress;
        if (name !== 'trainHostProgress' || p.jobId !== jobId) return;
        if (p.phase === 'uploading' && p.total > 0) bar.update(p.done, p.total, `sending images to ${p.host}`);
        else if (p.phase === 'fetching') bar.update(1, 1, `fetching the model from ${p.host}`);
      });
    }
    const stop = () => void studio.call(onHost ? 'cancelJob' : 'cancelTraining', { jobId }).catch(() => {});
    process.once('SIGINT', stop);
    try {
      if (req) jobId = (await studio.call(onHost ? 'trainOnHost' : 'trainModel', req)).jobId;
      else {
        jobId = resume!;
        await studio.call('resumeJob', { jobId });
      }
      const result = await studio.call(onHost ? 'awaitHostTraining' : 'awaitTraining', { jobId });
      if (values['no-verdict'] === true) return { json: result, text: resultText(result) };
      const verdict = await measureVerdict(studio, result.model, env.progress('verdict'));
      const line =
        'verdict' in verdict
          ? `verdict on ${verdict.images} validation images: ${verdictLine(verdict.verdict)}`
          : `no verdict: ${verdict.why}`;
      return { json: { ...result, verdict }, text: `${resultText(result)}\n${line}` };
    } finally {
      process.off('SIGINT', stop);
      off();
      off2();
      bar.done();
    }
  },
};

type VerdictOutcome = { evaluation: number; images: number; verdict: Verdict } | { why: string };

/** Measures a fresh model against JPEG, WebP and AVIF on its dataset's validation images. */
async function measureVerdict(
  studio: Studio,
  model: string,
  bar: { update(done: number, total: number, text: string): void; done(): void },
): Promise<VerdictOutcome> {
  const m = await studio.call('getModel', { id: model });
  if (m.dataset === null) return { why: 'the model has no dataset to measure on' };
  const off = studio.on((name, p) => {
    if (name === 'evalProgress') bar.update((p as EvalProgress).done, (p as EvalProgress).total, 'against JPEG, WebP and AVIF');
  });
  try {
    const started = await studio.call('evaluateModel', verdictRequest(m, m.dataset));
    const ev = await studio.call('awaitEvaluation', { jobId: started.jobId });
    return { evaluation: ev.id, images: ev.images, verdict: verdictOfEvaluation(ev) };
  } catch (e) {
    // No validation images (a tiny dataset) or none decodable: the model stands; say why there is no verdict.
    return { why: e instanceof Error ? e.message : String(e) };
  } finally {
    off();
    bar.done();
  }
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
