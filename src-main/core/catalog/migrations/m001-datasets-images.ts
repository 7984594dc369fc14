// Migration 1: datasets and the images imported into them.
export default {
  version: 1,
  name: 'datasets and images',
  sql: `
    CREATE TABLE datasets (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL UNIQUE,
      description TEXT NOT NULL DEFAULT '',
      created_at  TEXT NOT NULL
    );

    -- One row per distinct image content in a dataset: path is the user's original file, which
    -- the studio only ever reads.
    CREATE TABLE images (
      id         INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      path       TEXT NOT NULL,
      hash       TEXT NOT NULL,
      width      INTEGER NOT NULL,
      height     INTEGER NOT NULL,
      channels   INTEGER NOT NULL CHECK (channels IN (1, 3, 4)),
      format     TEXT NOT NULL,
      bytes      INTEGER NOT NULL,
      split      TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
      added_at   TEXT NOT NULL,
      UNIQUE (dataset_id, hash)
    );
    CREATE INDEX images_by_dataset_split ON images(dataset_id, split);
    CREATE INDEX images_by_hash ON images(hash);
    CREATE INDEX images_by_path ON images(path);
  `,
};
