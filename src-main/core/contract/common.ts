// Shapes every contract fragment shares, declared once. Browser-safe: zod only.
import { z } from 'zod';

/** The request of every method that names one job: `{ jobId }`, nothing else. */
export const JobRef = z.object({ jobId: z.number().int().positive() }).strict();
export type JobRef = z.infer<typeof JobRef>;

/** A file a job could not handle: its path and one line naming the file and the problem. */
export const Failure = z
  .object({
    path: z.string(),
    /** One line naming the file and the problem. */
    error: z.string(),
  })
  .strict();
export type Failure = z.infer<typeof Failure>;

/** An event as a job's worker reports it, before the host adds the job id (distributes over unions). */
export type WithoutJobId<T> = T extends unknown ? Omit<T, 'jobId'> : never;
