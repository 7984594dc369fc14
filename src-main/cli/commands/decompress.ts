// `decompress <file.latent...> --out DIR [--format png|jpeg|webp]`: images at their original size
// with their EXIF and ICC profile; a pack goes to DIR/<pack>/; a bad file is reported (exit 2).
import path from 'node:path';
import { codecMethods, type DecompressFilesResult } from '../../core/contract/codec.js';
import { StudioError } from '../../core/contract/errors.js';
import { BATCH_OPTIONS, BATCH_USAGE, maxPixelsFlag, runBatchCli, wantsBatch } from '../batch-run.js';
import { requiredFlag, UsageError, type CliCommand } from '../command.js';
import { schemaFlag } from '../schema-flags.js';

/** The request the flags fill: its fields' schemas are the flags' rules. */
const DECOMPRESS = codecMethods.decompressFiles.input;

export const decompressCommand: CliCommand = {
  name: 'decompress',
  summary: 'decompress .latent files and packs back to PNG, JPEG or WebP at the original size',
  usage: `decompress <file.latent|folder...> --out DIR [--format png|jpeg|webp] [--image N,N,...] [--overwrite] ${BATCH_USAGE}`,
  options: {
    out: { type: 'string' },
    format: { type: 'string' },
    image: { type: 'string' },
    overwrite: { type: 'boolean' },
    ...BATCH_OPTIONS,
  },
  positionals: true,
  async run({ values, positionals }, env) {
    if (wantsBatch(values, positionals)) return runBatchCli('decompress', { values, positionals }, env);
    const outDir = requiredFlag(values, 'out');
    if (positionals.length === 0) throw new UsageError('decompress needs at least one .latent file');
    const format = schemaFlag(DECOMPRESS, 'format', values) ?? 'png';
    const images = schemaFlag(DECOMPRESS, 'images', values, 'image');
    const studio = env.studio();
    // One input gets a progress line only when it takes a while: a large image, tile by tile.
    let bar = positionals.length > 1 ? env.progress('decompress') : undefined;
    const off = studio.on('decompressProgress', (q) => {
      if (q.tiles) bar ??= env.progress('decompress');
      bar?.update(q.done, q.total, path.basename(q.path), q.tiles ? { ...q.tiles, unit: 'tile' } : undefined);
    });
    let r: DecompressFilesResult;
    try {
      r = await studio.call('decompressFiles', {
        paths: positionals,
        outDir,
        format,
        ...(images ? { images } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...maxPixelsFlag(values),
      });
    } finally {
      off();
      bar?.done();
    }
    const lines = r.files.map((f) => `${f.output}: ${f.width}x${f.height}, ${f.bytes} bytes`);
    // One input that failed is an error of the command itself: its one line, exit 1.
    if (positionals.length === 1 && r.files.length === 0 && r.failed.length === 1) throw new StudioError('bad-request', r.failed[0]!.error);
    for (const f of r.failed) lines.push(`failed: ${f.error}`);
    return { json: r, text: lines.join('\n'), exitCode: r.failed.length > 0 ? 2 : 0 };
  },
};
