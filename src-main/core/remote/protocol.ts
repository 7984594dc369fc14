// What a studio and its training host (`serve --token-file F`) say to each other over HTTP, under
// /remote/v1/: the paths, the bodies (zod, checked on both sides) and the results. Every request
// carries `Authorization: Bearer <token>`; docs/security.md section 5 says what that defends.
import { z } from 'zod';
import { TrainRequest, type TrainProgressPayload, type TrainResult } from '../contract/engine.js';
import { IMAGE_EXTENSIONS } from '../input/extensions.js';

export const REMOTE_PREFIX = '/remote/v1/';

/** The largest image a studio may upload (the reading policy's limit for an image). */
export const MAX_BLOB_BYTES = 512 * 1024 * 1024;

export const remotePaths = {
  missing: `${REMOTE_PREFIX}blobs/missing`,
  blob: (hash: string) => `${REMOTE_PREFIX}blobs/${hash}`,
  train: `${REMOTE_PREFIX}train`,
  events: (jobId: number) => `${REMOTE_PREFIX}train/${jobId}/events`,
  model: (jobId: number) => `${REMOTE_PREFIX}train/${jobId}/model`,
  cancel: (jobId: number) => `${REMOTE_PREFIX}train/${jobId}/cancel`,
} as const;

/** A sha256 in lower-case hex: the content address of an image (the catalog's image hash). */
export const contentHash = z.string().regex(/^[0-9a-f]{64}$/, 'a content hash is 64 lower-case hex digits');

/** POST missing: which of these images the host does not have yet. */
export const missingRequest = z.object({ hashes: z.array(contentHash).max(200_000) }).strict();
export const missingResult = z.object({ missing: z.array(contentHash) }).strict();

const imageExt = z
  .string()
  .transform((s) => s.toLowerCase())
  .refine((s) => IMAGE_EXTENSIONS.has(s), 'not an image extension');

/**
 * POST train: the training request (its dataset is the host's own, made from these images) and
 * the dataset's images by content. The host names the dataset after the images, so the same
 * images always train on the same host dataset and nothing is imported twice.
 */
export const hostTrainRequest = z
  .object({
    request: TrainRequest.omit({ dataset: true }),
    images: z
      .array(z.object({ hash: contentHash, ext: imageExt }).strict())
      .min(1)
      .max(200_000),
  })
  .strict();
export type HostTrainRequest = z.input<typeof hostTrainRequest>;

export const hostTrainStarted = z.object({ jobId: z.number().int().positive(), dataset: z.string(), imported: z.number().int() }).strict();
export type HostTrainStarted = z.infer<typeof hostTrainStarted>;

/**
 * The event stream of one training job: its trainProgress payloads, then one trainFinished.
 * Payloads are checked for their shape's head only (kind, numbers where the monitor reads them);
 * the host is trusted with the token, and the studio renders them as text and data: URLs.
 */
export const hostEvent = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('trainProgress'),
    payload: z.looseObject({ kind: z.enum(['batch', 'epoch', 'skipped', 'state', 'backend']) }),
  }),
  z.object({
    name: z.literal('trainFinished'),
    payload: z.union([
      z.looseObject({ ok: z.literal(true), result: z.looseObject({ model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/) }) }),
      z.looseObject({ ok: z.literal(false), error: z.string(), cancelled: z.boolean() }),
    ]),
  }),
]);
export type HostEvent =
  | { name: 'trainProgress'; payload: TrainProgressPayload }
  | { name: 'trainFinished'; payload: { ok: true; result: TrainResult } | { ok: false; error: string; cancelled: boolean } };

/** The host's dataset for a set of images: named by their hashes, the same set the same name. */
export const HOST_DATASET_PREFIX = 'host-';
