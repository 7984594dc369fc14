// Migration 2: trained models and the training runs (with per-epoch history) that made them.
export default {
  version: 2,
  name: 'models and training runs',
  sql: `
    CREATE TABLE models (
      id           TEXT PRIMARY KEY,
      name         TEXT NOT NULL,
      dataset_id   INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
      arch         TEXT NOT NULL CHECK (arch IN ('dense', 'conv')),
      dir          TEXT NOT NULL,
      weights_hash TEXT NOT NULL,
      card         TEXT NOT NULL,
      files        TEXT NOT NULL DEFAULT '[]',
      created_at   TEXT NOT NULL
    );
    CREATE INDEX models_by_dataset ON models(dataset_id);

    CREATE TABLE training_runs (
      id         INTEGER PRIMARY KEY,
      dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
      model_id   TEXT REFERENCES models(id) ON DELETE SET NULL,
      params     TEXT NOT NULL,
      state      TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
      summary    TEXT,
      pid        INTEGER,
      started_at TEXT NOT NULL,
      ended_at   TEXT
    );
    CREATE INDEX training_runs_by_model ON training_runs(model_id);
    CREATE INDEX training_runs_by_dataset ON training_runs(dataset_id);

    CREATE TABLE run_epochs (
      run_id  INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
      epoch   INTEGER NOT NULL,
      metrics TEXT NOT NULL,
      at      TEXT NOT NULL,
      PRIMARY KEY (run_id, epoch)
    ) WITHOUT ROWID;
  `,
};
