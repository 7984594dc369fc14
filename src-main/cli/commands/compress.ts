// `compress --model ID <path...> --out DIR [--quality 1-100]`: one DIR/<stem>.latent per image
// (or one pack with --pack NAME); a bad file is reported and the batch goes on (exit 2).
import path from 'node:path';
import { codecMethods, type CompressImagesResult } from '../../core/contract/codec.js';
import { StudioError } from '../../core/contract/errors.js';
import { BATCH_OPTIONS, BATCH_USAGE, maxPixelsFlag, runBatchCli, wantsBatch } from '../batch-run.js';
import { requiredFlag, stringFlag, UsageError, type CliCommand } from '../command.js';
import { schemaFlag } from '../schema-flags.js';
import { formatRatio } from '../../core/system/units.js';

/** The request the flags fill: its fields' schemas are the flags' rules. */
const COMPRESS = codecMethods.compressImages.input;

export const compressCommand: CliCommand = {
  name: 'compress',
  summary: 'compress images with a model into .latent files (one per image, or one --pack)',
  usage:
    'compress --model ID <path...> --out DIR [--quality 1-100 | --target-psnr DB | --target-bpp BPP] [--pack NAME] [--measure] [--no-metadata] [--overwrite] ' +
    BATCH_USAGE,
  options: {
    model: { type: 'string' },
    out: { type: 'string' },
    quality: { type: 'string' },
    'target-psnr': { type: 'string' },
    'target-bpp': { type: 'string' },
    pack: { type: 'string' },
    measure: { type: 'boolean' },
    'no-metadata': { type: 'boolean' },
    overwrite: { type: 'boolean' },
    ...BATCH_OPTIONS,
  },
  positionals: true,
  async run({ values, positionals }, env) {
    if (wantsBatch(values, positionals)) return runBatchCli('compress', { values, positionals }, env);
    const model = requiredFlag(values, 'model');
    const outDir = requiredFlag(values, 'out');
    if (positionals.length === 0) throw new UsageError('compress needs at least one image path');
    const quality = schemaFlag(COMPRESS, 'quality', values);
    const targetPsnr = schemaFlag(COMPRESS, 'targetPsnr', values);
    const targetBpp = schemaFlag(COMPRESS, 'targetBpp', values);
    if ([quality, targetPsnr, targetBpp].filter((v) => v !== undefined).length > 1) {
      throw new UsageError('give at most one of --quality, --target-psnr, --target-bpp');
    }
    const pack = stringFlag(values, 'pack');
    if (pack && (targetPsnr !== undefined || targetBpp !== undefined))
      throw new UsageError('--pack is made at one --quality; targets work per file');
    const studio = env.studio();
    // One input gets a progress line only when it takes a while: a large image, tile by tile.
    let bar = positionals.length > 1 ? env.progress('compress') : undefined;
    const off = studio.on('compressProgress', (q) => {
      if (q.tiles) bar ??= env.progress('compress');
      bar?.update(q.done, q.total, path.basename(q.path), q.tiles ? { ...q.tiles, unit: 'tile' } : undefined);
    });
    let r: CompressImagesResult;
    try {
      r = await studio.call('compressImages', {
        model,
        paths: positionals,
        outDir,
        ...(quality !== undefined ? { quality } : {}),
        ...(targetPsnr !== undefined ? { targetPsnr } : {}),
        ...(targetBpp !== undefined ? { targetBpp } : {}),
        ...(pack ? { pack } : {}),
        ...(values.measure ? { measure: true } : {}),
        ...(values['no-metadata'] ? { keepMetadata: false } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...maxPixelsFlag(values),
      });
    } finally {
      off();
      bar?.done();
    }
    const lines: string[] = [];
    if (r.pack) {
      lines.push(`${r.pack.output}: ${r.pack.images} images, ${r.pack.bytes} bytes, ${r.pack.bpp.toFixed(3)} bpp`);
    } else {
      for (const f of r.files) {
        const psnr = f.psnr !== undefined ? `, ${f.psnr.toFixed(2)} dB` : '';
        const target = f.target
          ? ` (target ${f.target.kind} ${f.target.wanted}: reached ${f.target.reached.toFixed(3)}${f.target.met ? '' : ', not met'})`
          : '';
        lines.push(
          `${f.output}: ${f.bytes} bytes, ${f.bpp.toFixed(3)} bpp, quality ${f.quality}, ratio ${formatRatio(f.ratio)}${psnr}${target}`,
        );
      }
    }
    // One input that failed is an error of the command itself: its one line, exit 1.
    if (positionals.length === 1 && r.files.length === 0 && r.failed.length === 1) throw new StudioError('bad-request', r.failed[0]!.error);
    for (const f of r.failed) lines.push(`failed: ${f.error}`);
    return { json: r, text: lines.join('\n'), exitCode: r.failed.length > 0 ? 2 : 0 };
  },
};
