// Contract handlers for the codec: resolve models through the catalog, plan output names, run the
// batch in a worker thread with progress events, and record each latent file in the catalog.
import { familyByFormatId } from '../engine/models/families.js';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { getCatalog, type ModelRecord } from '../catalog/index.js';
import type { CodecFailure, CompressImagesResult, LatentInfo, codecMethods } from '../contract/codec.js';
import { StudioError } from '../contract/errors.js';
import { outputNameProblem } from '../system/output-name.js';
import type { CoreContext, Handlers } from '../context.js';
import { startWorkerTask } from '../workers/host.js';
import { compressTask, decompressTask } from './tasks/index.js';
import { failure, type CompressBatchInput } from './batch.js';
import type { DecompressBatchInput } from './decompress-batch.js';
import type { CalibrationSource } from './calibrate.js';
import { FORMAT_VERSION, tagHex, tagMatches, weightsTag } from './container.js';
import { PackFile, peekLatent, readPackV2File, readSingleFile } from './latent-file.js';
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

/** The model's calibration cache and its dataset's validation images (see calibrate.ts). */
export function calibrationSource(ctx: CoreContext, rec: ModelRecord): CalibrationSource {
  const catalog = getCatalog(ctx);
  const samples =
    rec.datasetId === null
      ? []
      : catalog.images
          .forDataset(rec.datasetId, 'val')
          .map((i) => i.path)
          .sort()
          .slice(0, 8);
  return { file: path.join(ctx.home.root, 'cache', 'codec', `${rec.id}.calibration.json`), samples };
}

export const codecHandlers: Handlers<typeof codecMethods> = {
  async compressImages(req, ctx) {
    const rec = modelRecord(ctx, req.model);
    if (!rec) throw new StudioError('not-found', `model ${req.model} is not in the catalog (see latent-studio models)`);
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
      compressTask,
      {
        modelId: rec.id,
        modelDir: rec.dir,
        items,
        ...(pack ? { pack } : {}),
        ...(req.quality !== undefined ? { quality: req.quality } : {}),
        ...(req.targetPsnr !== undefined ? { targetPsnr: req.targetPsnr } : {}),
        ...(req.targetBpp !== undefined ? { targetBpp: req.targetBpp } : {}),
        ...(req.measure ? { measure: true } : {}),
        keepMetadata: req.keepMetadata ?? true,
        overwrite: req.overwrite ?? false,
        calibration: calibrationSource(ctx, rec),
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
      decompressTask,
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

  async inspectLatent(req, ctx) {
    const file = path.resolve(req.path);
    const { params, pack, bytes } = await peekLatent(file);
    if ('version' in params && pack) {
      const p = await readPackV2File(file);
      const rec = modelRecord(ctx, params.modelId);
      return {
        path: file,
        formatVersion: 2,
        bytes,
        model: rec?.id ?? params.modelId,
        modelInCatalog: rec !== undefined,
        weightsTag: tagHex(params.weightsTag),
        step: 0,
        predictor: 'none',
        tile: 0,
        family: familyByFormatId(params.family)?.name ?? `unknown family ${params.family}`,
        quality: params.quality,
        kind: 'pack',
        headerBytes: p.header.headerLength,
        images: p.header.entries.map((e) => ({
          width: e.width,
          height: e.height,
          channels: e.channels,
          codeGrid: [0, 0, 0] as [number, number, number],
          ...(e.name !== undefined ? { name: e.name } : {}),
          exif: e.exifLength > 0,
          icc: e.iccLength > 0,
        })),
      } satisfies LatentInfo;
    }
    if ('version' in params) {
      const s = await readSingleFile(file);
      if (s.kind !== 'single-v2') throw new StudioError('internal', `${file}: read as version 1 after a version-2 header`);
      const e = s.image;
      const payload = e.streams.reduce((n, st) => n + st.length, 0) + (e.alpha?.length ?? 0) + (e.exif?.length ?? 0) + (e.icc?.length ?? 0);
      const rec = modelRecord(ctx, params.modelId);
      return {
        path: file,
        formatVersion: 2,
        bytes,
        model: rec?.id ?? params.modelId,
        modelInCatalog: rec !== undefined,
        weightsTag: tagHex(params.weightsTag),
        step: 0,
        predictor: 'none',
        tile: 0,
        family: familyByFormatId(params.family)?.name ?? `unknown family ${params.family}`,
        quality: params.quality,
        kind: 'single',
        headerBytes: bytes - payload,
        images: [
          { width: e.width, height: e.height, channels: e.channels, codeGrid: [0, 0, 0], exif: Boolean(e.exif), icc: Boolean(e.icc) },
        ],
      } satisfies LatentInfo;
    }
    const base = {
      path: file,
      formatVersion: FORMAT_VERSION,
      bytes,
      model: params.modelId,
      modelInCatalog: modelRecord(ctx, params.modelId) !== undefined,
      weightsTag: tagHex(params.weightsTag),
      step: params.step,
      predictor: params.predictor,
      tile: params.tile,
    };
    if (pack) {
      const h = (await PackFile.open(file)).header;
      return {
        ...base,
        kind: 'pack',
        headerBytes: h.headerLength,
        images: h.images.map((e) => ({
          width: e.width,
          height: e.height,
          channels: e.channels,
          codeGrid: [e.gh, e.gw, params.codeChannels],
          ...(e.name !== undefined ? { name: e.name } : {}),
          exif: e.exifLen > 0,
          icc: e.iccLen > 0,
        })),
      } satisfies LatentInfo;
    }
    const s = await readSingleFile(file);
    if (s.kind !== 'single') throw new StudioError('internal', `${file}: read as version 2 after a version-1 header`);
    const e = s.image;
    return {
      ...base,
      kind: 'single',
      headerBytes: s.bytes - s.payload.length - (s.alpha?.length ?? 0) - (e.exif?.length ?? 0) - (e.icc?.length ?? 0),
      images: [
        {
          width: e.width,
          height: e.height,
          channels: e.channels,
          codeGrid: [e.gh, e.gw, params.codeChannels],
          exif: Boolean(e.exif),
          icc: Boolean(e.icc),
        },
      ],
    } satisfies LatentInfo;
  },
};
