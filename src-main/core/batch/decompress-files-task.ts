// Worker task: decompress a list of .latent files and packs (see decompress-files.ts). The
// one-shot path (decompressFiles): an image of several tiles is spread over every core; a folder
// batch runs worker-task.ts instead, one image per worker.
import type { CompressProgress } from '../contract/codec.js';
import { openModel } from '../engine/open-model.js';
import { defaultTileWorkers } from '../engine/tiling/tile-pool.js';
import { defineTask } from '../workers/task.js';
import { runDecompressBatch, type DecompressBatchInput, type DecompressBatchResult } from './decompress-files.js';

export default defineTask<DecompressBatchInput, CompressProgress, DecompressBatchResult>((input, io) =>
  runDecompressBatch(input, (ref) => openModel(ref, { workers: defaultTileWorkers() }), io),
);
