// Worker task: one long-lived member of a batch pool. It loads its own model once, then claims
// item after item from the shared counter (so fast and slow files balance across workers by
// themselves) until the list runs out, reporting each file as it finishes. Only one image is
// decoded at a time per worker, within the pool-wide pixel budget.
import { openModel, type ModelRef } from '../engine/open-model.js';
import type { LoadedModel } from '../engine/model-io.js';
import { calibratedModel } from '../codec-files/calibration-cache.js';
import type { CodecModel } from '../codec/model.js';
import type { BatchKind } from '../contract/batch.js';
import { StudioError } from '../contract/errors.js';
import { defineTask } from '../workers/task.js';
import { throttledTiles } from '../codec/tile-progress.js';
import { claimNext, PixelBudget } from './pixel-budget.js';
import { processItem, type ItemEnv, type ItemOptions, type ItemOutcome } from './process-item.js';

export interface BatchWorkerInput {
  kind: BatchKind;
  worker: number;
  items: Array<{ input: string; output: string }>;
  /** Shared counter (next item) and pixel budget, see pixel-budget.ts. */
  control: SharedArrayBuffer;
  budgetPixels: number;
  options: ItemOptions;
  /** Compress: the model, under its catalog id, and where its calibration is cached. */
  model?: ModelRef;
  /** Decompress: folder of every catalog model, by id. */
  models?: Record<string, string>;
  /** Least time between two tile reports of one file (default TILE_REPORT_MS, codec/tile-progress.ts). */
  tileReportMs?: number;
}

export type BatchWorkerMessage =
  | { type: 'ready'; worker: number }
  | { type: 'begin'; worker: number; index: number }
  | { type: 'tiles'; worker: number; index: number; done: number; total: number }
  | { type: 'item'; worker: number; index: number; result: ItemOutcome };

export default defineTask<BatchWorkerInput, BatchWorkerMessage, { processed: number }>(async (input, io) => {
  const loaded = new Map<string, Promise<LoadedModel>>();
  const load = (id: string, dir: string): Promise<LoadedModel> => {
    let m = loaded.get(id);
    if (!m) loaded.set(id, (m = openModel({ id, dir })));
    return m;
  };
  let compressModel: CodecModel | undefined;
  if (input.kind === 'compress') {
    if (!input.model) throw new StudioError('bad-request', 'a compress batch needs a model');
    compressModel = await calibratedModel(await load(input.model.id, input.model.dir), input.model.calibration);
  }
  const env: ItemEnv = {
    options: input.options,
    budget: new PixelBudget(input.control, input.budgetPixels),
    signal: io.signal,
    checkpoint: () => io.checkpoint(),
    async model(id) {
      if (compressModel) return compressModel;
      const dir = id === undefined ? undefined : input.models?.[id];
      if (id === undefined || dir === undefined) {
        throw new StudioError('not-found', `needs model ${id ?? '?'}, which is not in the catalog (import that model first)`);
      }
      return load(id, dir);
    },
  };
  io.progress({ type: 'ready', worker: input.worker });
  let processed = 0;
  try {
    for (;;) {
      await io.checkpoint();
      const index = claimNext(input.control);
      const item = input.items[index];
      if (!item) break;
      io.progress({ type: 'begin', worker: input.worker, index });
      const tiles = throttledTiles(
        (done, total) => io.progress({ type: 'tiles', worker: input.worker, index, done, total }),
        input.tileReportMs,
      );
      const result = await processItem(env, item, tiles);
      io.progress({ type: 'item', worker: input.worker, index, result });
      processed++;
    }
  } finally {
    for (const m of loaded.values()) (await m.catch(() => undefined))?.dispose();
  }
  return { processed };
});
