// Migration 7: the start time of the process that owns a job or a training run, beside its pid.
// A pid alone names a zombie or a later, unrelated process as well (see process-alive.ts); rows
// from before this migration keep a null start and are judged by the pid alone.
export default {
  version: 7,
  name: 'owner start time',
  sql: `
    ALTER TABLE jobs ADD COLUMN pid_start TEXT;
    ALTER TABLE training_runs ADD COLUMN pid_start TEXT;
  `,
};
