// Worker task: decompress a batch of .latent files and packs (see ../decompress-batch.ts). The
// one-shot path (decompressFiles): an image of several tiles is spread over every core; a folder
// batch runs batch/worker-task.ts instead, one image per worker.
import type { CompressProgress } from '../../contract/codec.js';
import { loadModel } from '../../engine/model-io.js';
import { defaultTileWorkers } from '../../engine/tiling/tile-pool.js';
import { defineTask } from '../../workers/task.js';
import { runDecompressBatch, type DecompressBatchInput, type DecompressBatchResult } from '../decompress-batch.js';

export default defineTask<DecompressBatchInput, CompressProgress, DecompressBatchResult>((input, io) =>
  runDecompressBatch(input, (dir) => loadModel(dir, { workers: defaultTileWorkers() }), io),
);
