// Worker task: compress a list of images with one model (see compress-files.ts). This is the
// one-shot path (compressImages: the CLI's files, the studio's single images): an image of several
// tiles is spread over every core. A folder batch runs worker-task.ts instead, one image per worker.
import type { CompressProgress } from '../contract/codec.js';
import { openModel } from '../engine/open-model.js';
import { defaultTileWorkers } from '../engine/tiling/tile-pool.js';
import { defineTask } from '../workers/task.js';
import { runCompressBatch, type CompressBatchInput, type CompressBatchResult } from './compress-files.js';

export default defineTask<CompressBatchInput, CompressProgress, CompressBatchResult>((input, io) =>
  runCompressBatch(input, (ref) => openModel(ref, { workers: defaultTileWorkers() }), io),
);
