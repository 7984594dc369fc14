// Migration 5: models of any registered family. Migration 2 limited models.arch to the two first
// families with a CHECK constraint; the family list now lives in one registry
// (engine/models/families.ts) and is checked in code. SQLite cannot drop a CHECK with ALTER
// TABLE, and rebuilding the table would fire the ON DELETE actions of every table referencing it,
// so this uses SQLite's documented procedure for removing a CHECK constraint: edit the table's SQL
// in sqlite_schema inside the migration's transaction and bump schema_version (ALTER TABLE docs,
// "making other kinds of table schema changes"). integrity_check runs afterwards.
import type { Db } from '../db.js';

const CHECK = " CHECK (arch IN ('dense', 'conv'))";

export default {
  version: 5,
  name: 'models of every registered family',
  sql: '',
  apply(db: Db): void {
    const v = db.pragma('schema_version', { simple: true }) as number;
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = replace(sql, ?, '') WHERE type = 'table' AND name = 'models'").run(CHECK);
      db.pragma(`schema_version = ${v + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`catalog integrity check failed after migration 5: ${String(check)}`);
  },
};
