// Contract handlers for evaluation: starting its jobs (the rest of their life is the generic job
// methods, registry/job-handlers.ts), stored evaluations (get, list, export) and the equal-size
// comparison, which runs in the studio's long-lived compare worker.
import path from 'node:path';
import { getCatalog } from '../catalog/index.js';
import { codingRef } from '../engine/model-resolver.js';
import { peekLatent } from '../codec-files/latent-file.js';
import { DEFAULT_QUALITY } from '../codec/quantize.js';
import type { evalMethods } from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import type { Handlers } from '../context.js';
import { writeFileAtomic } from '../imaging/index.js';
import { CLASSICAL_CODEC_NAMES } from './codecs.js';
import { codeSizeJobs } from './code-size.js';
import { compareService } from './compare-service.js';
import { evalJobs } from './eval-jobs.js';
import { toCompressAiJson, toCsv } from './export.js';
import { listEvaluations, loadEvaluation } from './store.js';
import { pixelLimit } from '../settings/pixel-limit.js';

export const evalHandlers: Handlers<typeof evalMethods> = {
  async evaluateModel(req, ctx) {
    return evalJobs(ctx).start(req);
  },
  async getEvaluation(req, ctx) {
    return loadEvaluation(getCatalog(ctx), req.id);
  },
  async listEvaluations(req, ctx) {
    return {
      evaluations: listEvaluations(getCatalog(ctx), {
        ...(req.model !== undefined ? { model: req.model } : {}),
        ...(req.limit !== undefined ? { limit: req.limit } : {}),
      }),
    };
  },
  async exportEvaluation(req, ctx) {
    // The contract may write only files of its own kind where the caller says (docs/security.md).
    if (req.path !== undefined && path.extname(req.path).toLowerCase() !== `.${req.format}`)
      throw new StudioError('bad-request', `${req.path}: ${req.format.toUpperCase()} is written to a .${req.format} file`);
    const ev = loadEvaluation(getCatalog(ctx), req.id);
    if (req.codec !== undefined && !ev.curves[req.codec])
      throw new StudioError('not-found', `evaluation ${req.id} has no ${req.codec} curve`);
    const content = req.format === 'json' ? toCompressAiJson(ev, req.codec) : toCsv(ev, req.perImage ?? false);
    const fileName = `evaluation-${ev.id}${req.codec ? `-${req.codec}` : ''}.${req.format}`;
    if (req.path === undefined) return { format: req.format, fileName, content };
    const out = path.resolve(req.path);
    await writeFileAtomic(out, Buffer.from(content, 'utf8'), { overwrite: req.overwrite ?? false });
    return { format: req.format, fileName, content, path: out };
  },
  async compareAtEqualSize(req, ctx) {
    const catalog = getCatalog(ctx);
    let modelId = req.model;
    let imagePath = req.imagePath !== undefined ? path.resolve(req.imagePath) : undefined;
    let latentQuality: number | null = null;
    const latentPath = req.latentPath !== undefined ? path.resolve(req.latentPath) : undefined;
    if (latentPath) {
      const head = await peekLatent(latentPath);
      if (modelId !== undefined && modelId !== head.params.modelId) {
        throw new StudioError('bad-request', `${latentPath}: made with model ${head.params.modelId}, not ${modelId}`);
      }
      modelId = head.params.modelId;
      const known = catalog.latents.list(100_000).find((l) => path.resolve(l.outputPath) === latentPath);
      if (known) latentQuality = known.quality;
      imagePath ??= known?.sourcePath;
      if (!imagePath) throw new StudioError('bad-request', `${latentPath}: the catalog does not know its original; give imagePath`);
    }
    const rec = catalog.models.get(modelId!);
    if (!rec) throw new StudioError('not-found', `model ${modelId} is not in the catalog (see latent-studio models)`);
    const quality = req.quality ?? DEFAULT_QUALITY;
    const input = {
      model: codingRef(ctx, rec),
      imagePath: imagePath!,
      ...(latentPath ? { latentPath, latentQuality } : {}),
      quality,
      codecs: req.codecs ?? CLASSICAL_CODEC_NAMES,
      maxPixels: await pixelLimit(ctx.home),
    };
    return compareService(ctx).compare(input, (s) =>
      ctx.emit('compareProgress', { model: rec.id, path: imagePath!, quality: latentPath ? latentQuality : quality, ...s }),
    );
  },
  async sweepCodeSizes(req, ctx) {
    return codeSizeJobs(ctx).start(req);
  },
};
