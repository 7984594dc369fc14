// Numbered schema migrations, applied in order and recorded in the database itself
// (schema_migrations, plus PRAGMA user_version for quick inspection with the sqlite3 shell).
// Add a migration as the next file mNNN-*.ts and one line below; never edit a released one.
import { StudioError } from '../../contract/errors.js';
import type { Db } from '../db.js';
import m001 from './m001-datasets-images.js';
import m002 from './m002-models-runs.js';
import m003 from './m003-latents-evaluations.js';
import m004 from './m004-jobs.js';
import m005 from './m005-model-families.js';
import m006 from './m006-base-models.js';
import m007 from './m007-owner-start.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** For changes SQL alone cannot make; runs after `sql`, inside the same transaction. */
  apply?: (db: Db) => void;
}

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007];
export const LATEST_VERSION = MIGRATIONS.length;

export interface MigrationReport {
  from: number;
  to: number;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}

/** Brings the schema up to `upTo` (default: the latest). Tests pass a lower target to build old databases. */
export function migrate(db: Db, file: string, upTo: number = LATEST_VERSION): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  // IMMEDIATE takes the write lock before reading the version, so two processes opening a new
  // catalog at once do not both try to apply the same migration.
  const run = db.transaction((): MigrationReport => {
    const from = schemaVersion(db);
    if (from > LATEST_VERSION) {
      throw new StudioError(
        'unsupported',
        `${file}: catalog schema version ${from} is newer than this Latent Studio understands (${LATEST_VERSION}); update the app`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    let to = from;
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > upTo) continue;
      if (m.sql) db.exec(m.sql);
      m.apply?.(db);
      record.run(m.version, m.name, new Date().toISOString());
      to = m.version;
    }
    db.pragma(`user_version = ${to}`);
    return { from, to };
  });
  return run.immediate();
}
