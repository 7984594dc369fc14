// Opens the catalog's SQLite file with the settings every connection needs: WAL so readers never
// block the writer (the UI reads while a worker imports), foreign keys enforced, and a busy
// timeout so two connections (main thread and a worker, or the CLI beside the app) wait for each
// other instead of failing.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fileProblem } from '../input/file-problem.js';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 10_000;

export function openDatabase(file: string): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  let db: Db | undefined;
  try {
    // Under Electron the shell points this at better-sqlite3 built for Electron's ABI
    // (scripts/rebuild-electron.js); plain Node uses the package's own build.
    const nativeBinding = process.env.LATENT_STUDIO_SQLITE_BINDING;
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS, ...(nativeBinding ? { nativeBinding } : {}) });
    db.pragma('journal_mode = WAL');
    // NORMAL is safe in WAL mode against a killed process (the case that matters here); only a
    // power cut can drop the last commits, and an interrupted import then redoes those files.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return db;
  } catch (err) {
    db?.close();
    throw fileProblem(file, err, 'open the catalog', 'io');
  }
}
