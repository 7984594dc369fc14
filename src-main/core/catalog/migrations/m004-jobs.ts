// Migration 4: long-running jobs, with a per-item record so a resumed job skips finished items.
export default {
  version: 4,
  name: 'jobs',
  sql: `
    CREATE TABLE jobs (
      id          INTEGER PRIMARY KEY,
      kind        TEXT NOT NULL,
      state       TEXT NOT NULL
                  CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed', 'interrupted', 'cancelled')),
      input       TEXT NOT NULL,
      result      TEXT,
      error       TEXT,
      done        INTEGER NOT NULL DEFAULT 0,
      total       INTEGER,
      pid         INTEGER,
      created_at  TEXT NOT NULL,
      started_at  TEXT,
      updated_at  TEXT NOT NULL,
      finished_at TEXT
    );
    CREATE INDEX jobs_by_state ON jobs(state);
    CREATE INDEX jobs_by_kind ON jobs(kind, id);

    CREATE TABLE job_items (
      id      INTEGER PRIMARY KEY,
      job_id  INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      key     TEXT NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('done', 'skipped', 'failed')),
      message TEXT,
      data    TEXT,
      at      TEXT NOT NULL,
      UNIQUE (job_id, key)
    );
  `,
};
