// Worker task: compress a batch of images with one model (see ../batch.ts).
import type { CompressProgress } from '../../contract/codec.js';
import { loadModel } from '../../engine/model-io.js';
import { defineTask } from '../../jobs/task.js';
import { runCompressBatch, type CompressBatchInput, type CompressBatchResult } from '../batch.js';

export default defineTask<CompressBatchInput, CompressProgress, CompressBatchResult>((input, io) => runCompressBatch(input, loadModel, io));
