// Migration 3: latent files written by the codec and rate-distortion evaluations.
export default {
  version: 3,
  name: 'latent files and evaluations',
  sql: `
    -- model_id is deliberately not a foreign key: like the .latent file itself, the row keeps
    -- naming the model it needs even after that model is deleted (or before it is re-imported).
    CREATE TABLE latent_files (
      id          INTEGER PRIMARY KEY,
      source_path TEXT NOT NULL,
      image_id    INTEGER REFERENCES images(id) ON DELETE SET NULL,
      model_id    TEXT NOT NULL,
      quality     REAL NOT NULL,
      bytes       INTEGER NOT NULL,
      bpp         REAL NOT NULL,
      psnr        REAL,
      output_path TEXT NOT NULL,
      created_at  TEXT NOT NULL
    );
    CREATE INDEX latent_files_by_model ON latent_files(model_id);
    CREATE INDEX latent_files_by_image ON latent_files(image_id);

    CREATE TABLE evaluations (
      id         INTEGER PRIMARY KEY,
      model_id   TEXT REFERENCES models(id) ON DELETE CASCADE,
      dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
      codec      TEXT NOT NULL,
      points     TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX evaluations_by_model ON evaluations(model_id);
    CREATE INDEX evaluations_by_dataset ON evaluations(dataset_id);
  `,
};
