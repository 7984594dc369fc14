// Contract fragment: training on another studio, the training host saved in the settings
// (`serve --token-file F` there; docs/security.md section 5). Browser-safe: zod and types only.
import type { JobRef } from './common.js';
import { method } from './define.js';
import { TrainRequest } from './engine.js';

/** A training on the training host: what the studio does before and after the host trains. */
export interface TrainHostProgress {
  jobId: number;
  /** The host, as saved in the settings. */
  host: string;
  /** checking: which images the host lacks; uploading: sending those; training: the host trains (its training progress follows); fetching: the model comes back. */
  phase: 'checking' | 'uploading' | 'training' | 'fetching';
  /** Images checked or sent of those to check or send; 0 / 0 in the other phases. */
  done: number;
  total: number;
  /** Bytes sent so far in this run. */
  bytes: number;
}

/** The catalog job kind of a training on the training host (listJobs filters by it). */
export const REMOTE_TRAIN_JOB_KIND = 'train.remote';

export const remoteMethods = {
  trainOnHost: method<JobRef>()(
    TrainRequest,
    "Train on the training host saved in the settings: the dataset's images are sent once (content-addressed), the host trains, and the model comes back into this catalog. A catalog job (kind train.remote); jobProgress events (the host's phases, then the training's progress), then jobFinished; awaitJob gives the model, cancelJob stops it on the host, resumeJob follows it again.",
  ),
} as const;
