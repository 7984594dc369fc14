// Worker task: the rate-distortion sweep of one evaluation job (see ../sweep.ts).
import { defineTask } from '../../workers/task.js';
import { runSweep, type SweepTaskInput, type SweepTaskProgress, type SweepTaskResult } from '../sweep.js';
import { loadEngineModel } from './model-loader.js';

export default defineTask<SweepTaskInput, SweepTaskProgress, SweepTaskResult>((input, io) =>
  runSweep(input, input.model ? loadEngineModel : undefined, io),
);
