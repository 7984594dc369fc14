// `train --dataset NAME [--arch FAMILY] [--minutes N | --steps N | --epochs N] [--lambdas X,Y,..] ...`
// `train --resume JOB` continues an interrupted training job. Family names come from the registry.
// `train --on-host ...` trains on the training host saved in the settings (core/remote/): the same
// progress and result; the model comes back into this catalog.
// A progress bar on stderr; --json: {"model","backend","epochs","loss","valLoss","seconds","samplesPerSecond",...}.
import { JobRef } from '../../core/contract/common.js';
import { TrainRequest, type TrainResult } from '../../core/contract/engine.js';
import type { Verdict } from '../../core/contract/eval.js';
import type { Studio } from '../../core/studio.js';
import { VERDICT_EVAL, verdictLine, verdictOfEvaluation, verdictRequest } from '../../core/metrics/verdict.js';
import { FAMILY_NAMES } from '../../core/engine/models/families.js';
import { backendLine } from '../../core/engine/backend-words.js';
import { UsageError, type CliCommand } from '../command.js';
import type { ProgressKnown } from '../progress.js';
import { jobResult, onJobProgress } from '../job-events.js';
import { helpLines, schemaFlag, schemaHelp, schemaOptions } from '../schema-flags.js';

/** The request's fields, each a flag of the same name in kebab case (--code-size), in the order --help lists them. */
const TRAIN_FIELDS = [
  'dataset',
  'arch',
  'minutes',
  'steps',
  'lambdas',
  'codeSize',
  'layers',
  'decoderLayers',
  'loss',
  'activation',
  'tile',
  'downsample',
  'channels',
  'codeChannels',
  'color',
  'epochs',
  'batchSize',
  'learningRate',
  'patience',
  'seed',
  'name',
  'initFrom',
  'fromScratch',
  'workers',
] as const;

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
  usage:
    'train --dataset NAME [--arch FAMILY] [--minutes X | --steps N | --epochs N] [flags below] [--no-verdict] [--on-host]\n' +
    '       train --resume JOB\n' +
    '       (after training, the model is measured against JPEG, WebP and AVIF on its validation images unless --no-verdict)',
  flagHelp: helpLines([
    ...schemaHelp(TrainRequest, TRAIN_FIELDS),
    ['--resume JOB', 'continue an interrupted training job from its last finished epoch'],
    ['--no-verdict', 'skip measuring the model against JPEG, WebP and AVIF'],
    ['--on-host', 'train on the training host saved in the settings'],
  ]),
  options: {
    ...schemaOptions(TrainRequest, TRAIN_FIELDS),
    resume: { type: 'string' },
    'no-verdict': { type: 'boolean' },
    'on-host': { type: 'boolean' },
  },
  positionals: false,
  async run({ values }, env) {
    const resume = schemaFlag(JobRef, 'jobId', values, 'resume');
    const req: TrainRequest | undefined = resume !== undefined ? undefined : trainRequestOf(values);
    const studio = env.studio();
    const bar = env.progress('train');
    let jobId = 0;
    let epochs = req?.epochs ?? 0;
    let epoch = 0;
    let known: ProgressKnown | undefined;
    const off = onJobProgress(studio, ['train', 'train.remote'], (id, p) => {
      if (id !== jobId) return;
      if (p.kind === 'host') {
        if (p.phase === 'uploading' && p.total > 0) bar.update(p.done, p.total, `sending images to ${p.host}`);
        else if (p.phase === 'fetching') bar.update(1, 1, `fetching the model from ${p.host}`);
      } else if (p.kind === 'epoch') {
        epoch = p.epoch;
        epochs = p.epochs;
        const rd =
          p.valBpp !== undefined
            ? `val ${p.valBpp.toFixed(3)} bpp ${p.valPsnr?.toFixed(2) ?? '-'} dB`
            : `val ${p.valLoss?.toFixed(4) ?? '-'}`;
        if (known) known = { ...known, etaSeconds: p.etaSeconds };
        bar.update(epoch, epochs, `loss ${p.loss.toFixed(4)} ${rd} ${Math.round(p.samplesPerSecond)}/s`, undefined, known);
      } else if (p.kind === 'batch' && epochs > 0) {
        const rd = p.bpp !== undefined ? ` ${p.bpp.toFixed(3)} bpp ${p.psnr?.toFixed(2)} dB` : '';
        // The trainer knows how far it is within the epoch and in its time budget; the epoch count only estimates it.
        if (p.fraction !== undefined) known = { fraction: p.fraction, etaSeconds: p.etaSeconds };
        bar.update(epoch, epochs, `epoch ${p.epoch} batch ${p.batch} loss ${p.loss.toFixed(4)}${rd} ${Math.round(p.samplesPerSecond)}/s`, undefined, known);
      } else if (p.kind === 'skipped') {
        env.stderr.write(`\nskipped ${p.reason}\n`);
      } else if (p.kind === 'backend' && p.backend !== 'tensorflow') {
        // Once per run, and only when the fast native backend is not the one in use.
        env.stderr.write(`${backendLine(p)}\n`);
      }
    });
    const onHost = values['on-host'] === true;
    const stop = () => void studio.call('cancelJob', { jobId }).catch(() => {});
    process.once('SIGINT', stop);
    try {
      if (req) jobId = (await studio.call(onHost ? 'trainOnHost' : 'trainModel', req)).jobId;
      else {
        jobId = resume!;
        await studio.call('resumeJob', { jobId });
      }
      const result = await jobResult(studio, jobId, ['train', 'train.remote']);
      if (values['no-verdict'] === true) return { json: result, text: resultText(result) };
      const verdict = await measureVerdict(studio, result.model, env.progress('verdict'));
      const line = 'verdict' in verdict ? `verdict: ${verdictLine(verdict.verdict)}` : `no verdict: ${verdict.why}`;
      return { json: { ...result, verdict }, text: `${resultText(result)}\n${line}` };
    } finally {
      process.off('SIGINT', stop);
      off();
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
  const off = onJobProgress(studio, ['eval'], (_id, p) => bar.update(p.done, p.total, 'against JPEG, WebP and AVIF'));
  try {
    const started = await studio.call('evaluateModel', verdictRequest(m, m.dataset));
    const ev = await jobResult(studio, started.jobId, ['eval']);
    return { evaluation: ev.id, images: ev.images, verdict: verdictOfEvaluation(ev, VERDICT_EVAL.split) };
  } catch (e) {
    // No images at all, or none decodable: the model stands; say why there is no verdict (a dataset
    // without validation images is measured on its test or training images: verdictRequest).
    return { why: e instanceof Error ? e.message : String(e) };
  } finally {
    off();
    bar.done();
  }
}

/** The training request the flags describe; each flag is checked by its field's schema. */
function trainRequestOf(values: Record<string, unknown>): TrainRequest {
  const req: Record<string, unknown> = {};
  for (const field of TRAIN_FIELDS) {
    const v = schemaFlag(TrainRequest, field, values);
    if (v !== undefined) req[field] = v;
  }
  // --dataset is the one field the request needs; the rest take defaults from the data.
  if (req.dataset === undefined) throw new UsageError('--dataset is required');
  return req as TrainRequest;
}
