// Pushes a job's events through a FakeStudio the way the core's job runner does (jobState,
// jobProgress, jobFinished), and answers awaitJob. Plus catalog rows as listJobs returns them.
import type { JobInfo, JobState } from '../../src-main/core/contract/catalog';
import type {
  JobEndState,
  JobFinishedEvent,
  JobKind,
  JobKindPayloads,
  JobOutcome,
  JobProgressEvent,
} from '../../src-main/core/contract/jobs';
import { errorMessage } from '../../src-renderer/src/lib/format';
import type { FakeStudio } from './fake-studio';

type Progress<K extends JobKind> = JobKindPayloads[K]['progress'];
type Finished<K extends JobKind> = JobKindPayloads[K]['finished'];
type Result<K extends JobKind> = JobKindPayloads[K]['result'];

const helpers = new WeakMap<FakeStudio, ReturnType<typeof makeJobEvents>>();

/** The job events of `fake` (one per fake: it answers awaitJob). */
export function jobEvents(fake: FakeStudio): ReturnType<typeof makeJobEvents> {
  let h = helpers.get(fake);
  if (!h) helpers.set(fake, (h = makeJobEvents(fake)));
  return h;
}

function makeJobEvents(fake: FakeStudio) {
  const answers = new Map<JobKind, (jobId: number) => Promise<JobOutcome>>();
  const kinds = new Map<number, JobKind>();
  const waiting: { kind: JobKind; resolve: () => void }[] = [];
  fake.handle('awaitJob', ({ jobId }) => {
    // A job the test did not name is of the one kind whose end is set up.
    const kind = kinds.get(jobId) ?? (answers.size === 1 ? [...answers.keys()][0] : undefined);
    const answer = kind && answers.get(kind);
    if (!kind || !answer) throw new Error(`job-events: no end set up for job ${jobId} (${kind ?? 'kind not known'})`);
    kinds.set(jobId, kind);
    for (const w of waiting.filter((w) => w.kind === kind)) w.resolve();
    return answer(jobId);
  });
  return {
    progress<K extends JobKind>(kind: K, jobId: number, payload: Progress<K>): void {
      kinds.set(jobId, kind);
      fake.emit('jobProgress', { jobId, kind, payload } as JobProgressEvent);
    },
    /** The work acknowledged a state (running once claimed, paused once stopped). */
    state(kind: JobKind, jobId: number, state: JobState): void {
      kinds.set(jobId, kind);
      fake.emit('jobState', { jobId, kind, state });
    },
    /** The end: its state, then jobFinished, as the runner sends them. */
    finished<K extends JobKind>(kind: K, jobId: number, state: JobEndState, payload: Finished<K>): void {
      kinds.set(jobId, kind);
      fake.emit('jobState', { jobId, kind, state });
      fake.emit('jobFinished', { jobId, kind, payload } as JobFinishedEvent);
    },
    /** Says which kind a job is (awaitJob is asked by id only), for tests that wait for jobs of several kinds. */
    known(kind: JobKind, jobId: number): number {
      kinds.set(jobId, kind);
      return jobId;
    },
    /**
     * How awaitJob ends for jobs of `kind`: `answer`'s result ('done', or the summary's own state
     * for an import or a batch), or its rejection's message as the job's error ('failed').
     */
    awaits<K extends JobKind>(kind: K, answer: (jobId: number) => Result<K> | Promise<Result<K>>): void {
      answers.set(kind, async (jobId) => {
        try {
          const result = await answer(jobId);
          const state = 'state' in result && typeof result.state === 'string' ? (result.state as JobEndState) : 'done';
          return { jobId, kind, state, result } as JobOutcome;
        } catch (e) {
          return { jobId, kind, state: 'failed', error: errorMessage(e) } as JobOutcome;
        }
      });
    },
    /** Resolves once the renderer waits (awaitJob) for a job of `kind`. */
    waited(kind: JobKind): Promise<void> {
      const seen = fake.callsOf('awaitJob').some((r) => kinds.get(r.jobId) === kind);
      return seen ? Promise.resolve() : new Promise((resolve) => waiting.push({ kind, resolve }));
    },
  };
}

/** A catalog job row as listJobs returns it. */
export function jobInfo(job: Pick<JobInfo, 'id' | 'kind' | 'state'> & Partial<JobInfo>): JobInfo {
  return {
    done: 0,
    total: null,
    failedItems: 0,
    errors: [],
    error: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    updatedAt: '2026-01-01T00:00:02.000Z',
    finishedAt: null,
    resumable: false,
    input: null,
    ...job,
  };
}

/** listJobs answering from `jobs` with the core's filters (kind, state, limit), newest first. */
export function listJobsFrom(jobs: JobInfo[]) {
  return (r: { kind?: string; state?: JobState; limit?: number; jobId?: number }) => ({
    jobs: jobs
      .filter(
        (j) =>
          (r.kind === undefined || j.kind === r.kind) &&
          (r.state === undefined || j.state === r.state) &&
          (r.jobId === undefined || j.id === r.jobId),
      )
      .sort((a, b) => b.id - a.id)
      .slice(0, r.limit ?? 100),
  });
}
