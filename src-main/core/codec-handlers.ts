// The codec contract's methods: the file methods are batch/'s single-file path (one pipeline for
// every file job); inspectLatent reads a container's header and asks the catalog for its model.
import { getCatalog } from './catalog/index.js';
import { singleFileHandlers } from './batch/single-files.js';
import { FORMAT_VERSION, tagHex } from './codec/container.js';
import { PackFile, peekLatent, readPackV2File, readSingleFile } from './codec-files/latent-file.js';
import type { LatentInfo, codecMethods } from './contract/codec.js';
import { StudioError } from './contract/errors.js';
import type { CoreContext, Handlers } from './context.js';
import { familyByFormatId } from './engine/models/families.js';
import path from 'node:path';

function modelRecord(ctx: CoreContext, id: string) {
  return getCatalog(ctx).models.get(id);
}

export const codecHandlers: Handlers<typeof codecMethods> = {
  ...singleFileHandlers,

  async inspectLatent(req, ctx) {
    const file = path.resolve(req.path);
    const { params, pack, bytes } = await peekLatent(file);
    if ('version' in params) {
      // What a v2 header says the same way for packs and single files (v2 has no step, predictor or tile).
      const rec = modelRecord(ctx, params.modelId);
      const v2 = {
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
      } as const;
      if (pack) {
        const p = await readPackV2File(file);
        return {
          ...v2,
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
      const s = await readSingleFile(file);
      if (s.kind !== 'single-v2') throw new StudioError('internal', `${file}: read as version 1 after a version-2 header`);
      const e = s.image;
      const payload = e.streams.reduce((n, st) => n + st.length, 0) + (e.alpha?.length ?? 0) + (e.exif?.length ?? 0) + (e.icc?.length ?? 0);
      return {
        ...v2,
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
