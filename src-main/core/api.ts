// THE contract: every method name, request schema, response type and event of the studio,
// composed from one fragment per domain. The preload, the Electron handlers, the server routes,
// the CLI and the renderer client are all derived from `studioMethods` / `studioEvents`.
// Browser-safe: fragments import only zod and types.
import { appEvents, appMethods } from './contract/app.js';
import { batchMethods } from './contract/batch.js';
import { catalogMethods } from './contract/catalog.js';
import { codecEvents, codecMethods } from './contract/codec.js';
import type { ClientOf, PayloadsOf } from './contract/define.js';
import { engineMethods } from './contract/engine.js';
import { evalEvents, evalMethods } from './contract/eval.js';
import { jobEvents, jobMethods } from './contract/jobs.js';
import { remoteMethods } from './contract/remote.js';
import { studioUiEvents, studioUiMethods } from './contract/studio-ui.js';

export const studioMethods = {
  ...appMethods,
  ...batchMethods,
  ...catalogMethods,
  ...codecMethods,
  ...engineMethods,
  ...evalMethods,
  ...jobMethods,
  ...remoteMethods,
  ...studioUiMethods,
} as const;

export const studioEvents = {
  ...appEvents,
  ...codecEvents,
  ...evalEvents,
  ...jobEvents,
  ...studioUiEvents,
} as const;

export type StudioMethods = typeof studioMethods;
export type MethodName = keyof StudioMethods;
export type StudioEventsSpec = typeof studioEvents;
export type EventName = keyof StudioEventsSpec;
export type StudioEvents = PayloadsOf<StudioEventsSpec>;

export const methodNames = Object.keys(studioMethods) as MethodName[];
export const eventNames = Object.keys(studioEvents) as EventName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(studioMethods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(studioEvents, name);
}

/** What the renderer sees as `window.studio`: one function per method, plus event subscription. */
export type StudioClient = ClientOf<StudioMethods> & {
  on<E extends EventName>(name: E, listener: (payload: StudioEvents[E]) => void): () => void;
};

export type { AppInfo, DirEntry, PickedPaths, StudioSettings } from './contract/app.js';
export type {
  BatchFailure,
  BatchFileResult,
  BatchFinished,
  BatchKind,
  BatchProgress,
  BatchRequest,
  BatchSkipped,
  BatchStarted,
  BatchSummary,
} from './contract/batch.js';
export type {
  CatalogImage,
  CatalogLatentFile,
  DatasetDetail,
  DatasetSummary,
  DeleteDatasetResult,
  DeleteModelResult,
  ImportProgress,
  ImportSummary,
  JobInfo,
  JobState,
  ModelDetail,
  ModelSummary,
} from './contract/catalog.js';
export type {
  CodecFailure,
  CompressedFile,
  CompressImagesResult,
  CompressProgress,
  DecompressedFile,
  DecompressFilesResult,
  LatentImageInfo,
  LatentInfo,
} from './contract/codec.js';
export type { Failure, JobRef } from './contract/common.js';
export { StudioError, toWireError, fromWireError } from './contract/errors.js';
export type { WireError, StudioErrorCode } from './contract/errors.js';
export type {
  BdRatePair,
  BdRateResult,
  ClassicalCodecName,
  CodecCurve,
  EncodedImage,
  EqualSizeComparison,
  EqualSizeEntry,
  EvalCodecName,
  EvalFinished,
  EvalProgress,
  EvalStarted,
  EvaluationResult,
  EvaluationSummary,
  ImageEvaluation,
  RdSample,
} from './contract/eval.js';
export type {
  JobEndState,
  JobFinishedEvent,
  JobKind,
  JobKindPayloads,
  JobOutcome,
  JobProgressEvent,
  JobStateEvent,
  RemoteTrainProgress,
} from './contract/jobs.js';
export type { OpenFolderResult, SampleInfo } from './contract/studio-ui.js';
export type { TrainHostProgress } from './contract/remote.js';
