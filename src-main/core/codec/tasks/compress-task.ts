// Worker task: compress a batch of images with one model (see ../batch.ts). This is the one-shot
// path (compressImages: the CLI's files, the studio's single images): an image of several tiles
// is spread over every core. A folder batch runs batch/worker-task.ts instead, one image per worker.
import type { CompressProgress } from '../../contract/codec.js';
import { loadModel } from '../../engine/model-io.js';
import { defaultTileWorkers } from '../../engine/tiling/tile-pool.js';
import { defineTask } from '../../workers/task.js';
import { runCompressBatch, type CompressBatchInput, type CompressBatchResult } from '../batch.js';

export default defineTask<CompressBatchInput, CompressProgress, CompressBatchResult>((input, io) =>
  runCompressBatch(input, (dir) => loadModel(dir, { workers: defaultTileWorkers() }), io),
);
