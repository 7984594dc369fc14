// The codec contract's file methods, compressImages and decompressFiles (the CLI's files, the
// studio's single images): resolve the model (engine/model-resolver.ts), plan output names, run the
// list in one worker thread with progress events, and record each latent file in the catalog.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { getCatalog } from '../catalog/index.js';
import type { CodecFailure, CompressImagesResult, codecMethods } from '../contract/codec.js';
import { StudioError } from '../contract/errors.js';
import { resolveModel } from '../engine/model-resolver.js';
import { outputNameProblem } from '../system/output-name.js';
import type { CoreContext, Handlers } from '../context.js';
import { startWorkerTask } from '../workers/host.js';
import { compressFilesTask, decompressFilesTask } from './tasks.js';
import { failure, type CompressBatchInput } from './compress-files.js';
import type { DecompressBatchInput } from './decompress-files.js';
import { tagHex, tagMatches, weightsTag } from '../codec/container.js';
import { PackFile, peekLatent, readPackV2File, readSingleFile } from '../codec-files/latent-file.js';
import { pixelLimit } from '../settings/pixel-limit.js';

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false; // missing files are reported by the batch with their reason
  }
}

/** Drops a trailing ".latent" and anything that would leave the output folder. */
function packFileName(name: string): string {
  const base = path.basename(name).replace(/\.latent$/i, '');
  if (base === '' || base === '.' || base === '..') throw new StudioError('bad-request', `pack name '${name}' is not a usable file name`);
  return `${base}.latent`;
}

function modelRecord(ctx: CoreContext, id: string) {
  return getCatalog(ctx).models.get(id);
}

export const singleFileHandlers: Pick<Handlers<typeof codecMethods>, 'compressImages' | 'decompressFiles'> = {
  async compressImages(req, ctx) {
    const { rec, ref } = resolveModel(ctx, req.model);
    const outDir = path.resolve(req.outDir);
    const failed: CodecFailure[] = [];
    const items: CompressBatchInput['items'] = [];
    const byOutput = new Map<string, string>();
    for (const raw of req.paths) {
      const input = path.resolve(raw);
      if (await isFolder(input)) {
        failed.push({ path: input, error: `${input}: is a folder (compress takes image files)` });
        continue;
      }
      const output = path.join(outDir, `${path.parse(input).name}.latent`);
      // Refused before the work: a name the file system would reject only when written.
      const unwritable = req.pack ? undefined : outputNameProblem(input, output);
      if (unwritable) {
        failed.push({ path: input, error: unwritable });
        continue;
      }
      const first = byOutput.get(output);
      if (first !== undefined && !req.pack) {
        failed.push({ path: input, error: `${input}: its output ${output} would collide with that of ${first}` });
        continue;
      }
      byOutput.set(output, input);
      items.push({ input, output });
    }
    const pack = req.pack ? { output: path.join(outDir, packFileName(req.pack)) } : undefined;
    const total = req.paths.length;
    const offset = failed.length;
    if (items.length === 0) return { model: rec.id, files: [], failed };
    const task = startWorkerTask(
      compressFilesTask,
      {
        modelId: ref.id,
        modelDir: ref.dir,
        items,
        ...(pack ? { pack } : {}),
        ...(req.quality !== undefined ? { quality: req.quality } : {}),
        ...(req.targetPsnr !== undefined ? { targetPsnr: req.targetPsnr } : {}),
        ...(req.targetBpp !== undefined ? { targetBpp: req.targetBpp } : {}),
        ...(req.measure ? { measure: true } : {}),
        keepMetadata: req.keepMetadata ?? true,
        overwrite: req.overwrite ?? false,
        ...(ref.calibration ? { calibration: ref.calibration } : {}),
        maxPixels: await pixelLimit(ctx.home, req.maxPixels),
      },
      { onProgress: (p) => ctx.emit('compressProgress', { ...p, done: p.done + offset, total }) },
    );
    const result = await task.result;
    const out: CompressImagesResult = {
      model: rec.id,
      files: result.files,
      failed: [...failed, ...result.failed],
      ...(result.pack ? { pack: result.pack } : {}),
    };
    const catalog = getCatalog(ctx);
    for (const f of out.files) {
      const share = result.pack ? Math.round((result.pack.bpp * f.width * f.height) / 8) : f.bytes;
      f.latentId = catalog.latents.add({
        sourcePath: f.input,
        modelId: rec.id,
        quality: f.quality,
        bytes: share,
        bpp: f.bpp,
        psnr: f.psnr ?? null,
        outputPath: f.output,
      });
    }
    return out;
  },

  async decompressFiles(req, ctx) {
    const outDir = path.resolve(req.outDir);
    const ext = req.format === 'jpeg' ? 'jpg' : (req.format ?? 'png');
    const failed: CodecFailure[] = [];
    const items: DecompressBatchInput['items'] = [];
    const models: Record<string, string> = {};
    const byOutput = new Map<string, string>();
    for (const raw of req.paths) {
      const input = path.resolve(raw);
      try {
        const { params, pack } = await peekLatent(input);
        const rec = modelRecord(ctx, params.modelId);
        if (!rec)
          throw new StudioError(
            'not-found',
            `${input}: needs model ${params.modelId}, which is not in the catalog (import that model first)`,
          );
        if (!tagMatches(rec.weightsHash, params.weightsTag)) {
          throw new StudioError(
            'bad-request',
            `${input}: decoder hash mismatch (file made with weights ${tagHex(params.weightsTag)}, model ${rec.id} in the catalog has ${tagHex(weightsTag(rec.weightsHash))})`,
          );
        }
        // Structure and checksums now (cheap), so a bad file fails before any model is loaded.
        if (pack && 'version' in params) await readPackV2File(input);
        else if (pack) await PackFile.open(input);
        else await readSingleFile(input);
        models[rec.id] = rec.dir;
        const stem = path.parse(input).name;
        const output = pack ? path.join(outDir, stem) : path.join(outDir, `${stem}.${ext}`);
        const unwritable = outputNameProblem(input, output);
        if (unwritable) throw new StudioError('bad-request', unwritable);
        const first = byOutput.get(output);
        if (first !== undefined) throw new StudioError('conflict', `${input}: its output ${output} would collide with that of ${first}`);
        byOutput.set(output, input);
        if (req.images && !pack) throw new StudioError('bad-request', `${input}: is a single image; image indices apply to packs`);
        items.push({ input, output, modelId: rec.id, pack });
      } catch (err) {
        failed.push(failure(input, err));
      }
    }
    const total = req.paths.length;
    const offset = failed.length;
    if (items.length === 0) return { files: [], failed };
    const task = startWorkerTask(
      decompressFilesTask,
      {
        models,
        items,
        format: req.format ?? 'png',
        overwrite: req.overwrite ?? false,
        ...(req.images ? { images: req.images } : {}),
        // Every image's declared size is checked against it before anything decodes (pixel-limit.ts).
        maxPixels: await pixelLimit(ctx.home, req.maxPixels),
      },
      { onProgress: (p) => ctx.emit('decompressProgress', { ...p, done: p.done + offset, total }) },
    );
    const result = await task.result;
    return { files: result.files, failed: [...failed, ...result.failed] };
  },
};
