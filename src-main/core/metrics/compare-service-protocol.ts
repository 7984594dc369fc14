// Messages between the studio and its compare service worker (tasks/compare-service-task.ts).
import type { WireError } from '../contract/errors.js';
import type { EqualSizeComparison } from '../contract/eval.js';
import type { CompareStep, EqualSizeInput } from './equal-size.js';

export interface CompareServiceRequest {
  id: number;
  input: EqualSizeInput;
}

export type CompareServiceReply =
  | { id: number; type: 'step'; step: CompareStep }
  | { id: number; type: 'done'; result: EqualSizeComparison }
  | { id: number; type: 'error'; error: WireError };
