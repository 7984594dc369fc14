// Worker task: the equal-size comparison of one image (see ../equal-size.ts).
import type { EqualSizeComparison } from '../../contract/eval.js';
import { defineTask } from '../../jobs/task.js';
import { compareAtEqualSize, type EqualSizeInput } from '../equal-size.js';
import { loadEngineModel } from './model-loader.js';

export default defineTask<EqualSizeInput, never, EqualSizeComparison>((input) => compareAtEqualSize(input, loadEngineModel));
