// Worker task: decompress a batch of .latent files and packs (see ../decompress-batch.ts).
import type { CompressProgress } from '../../contract/codec.js';
import { loadModel } from '../../engine/model-io.js';
import { defineTask } from '../../jobs/task.js';
import { runDecompressBatch, type DecompressBatchInput, type DecompressBatchResult } from '../decompress-batch.js';

export default defineTask<DecompressBatchInput, CompressProgress, DecompressBatchResult>((input, io) =>
  runDecompressBatch(input, loadModel, io),
);
