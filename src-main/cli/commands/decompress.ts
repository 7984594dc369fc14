// `decompress <file.latent...> --out DIR [--format png|jpeg|webp]`: images at their original size
// with their EXIF and ICC profile; a pack goes to DIR/<pack>/; a bad file is reported (exit 2).
import path from 'node:path';
import type { DecompressFilesResult } from '../../core/contract/codec.js';
import { StudioError } from '../../core/contract/errors.js';
import { BATCH_OPTIONS, BATCH_USAGE, maxPixelsFlag, runBatchCli, wantsBatch } from '../batch-run.js';
import { requiredFlag, stringFlag, UsageError, type CliCommand } from '../command.js';

const FORMATS = ['png', 'jpeg', 'webp'] as const;

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
    const format = stringFlag(values, 'format') ?? 'png';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${format}`);
    const imageFlag = stringFlag(values, 'image');
    const images = imageFlag?.split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--image takes image indices like 0,5,12, got ${imageFlag}`);
      return n;
    });
    const studio = env.studio();
    // One input gets no progress line: its result (or its one-line error) says it all.
    const bar = positionals.length > 1 ? env.progress('decompress') : undefined;
    const off = studio.on((name, p) => {
      if (name === 'decompressProgress') {
        const q = p as { done: number; total: number; path: string };
        bar?.update(q.done, q.total, path.basename(q.path));
      }
    });
    let r: DecompressFilesResult;
    try {
      r = await studio.call('decompressFiles', {
        paths: positionals,
        outDir,
        format: format as (typeof FORMATS)[number],
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
