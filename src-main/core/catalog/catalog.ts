// The catalog: one SQLite file in the studio home and a repository per table group.
import type { Db } from './db.js';
import { openDatabase } from './db.js';
import { migrate } from './migrations/index.js';
import { DatasetsRepo } from './repos/datasets.js';
import { EvaluationsRepo } from './repos/evaluations.js';
import { ImagesRepo } from './repos/images.js';
import { JobsRepo } from './repos/jobs.js';
import { LatentsRepo } from './repos/latents.js';
import { ModelsRepo } from './repos/models.js';
import { RunsRepo } from './repos/runs.js';

export class Catalog {
  readonly datasets: DatasetsRepo;
  readonly images: ImagesRepo;
  readonly models: ModelsRepo;
  readonly runs: RunsRepo;
  readonly latents: LatentsRepo;
  readonly evaluations: EvaluationsRepo;
  readonly jobs: JobsRepo;

  constructor(
    readonly db: Db,
    readonly file: string,
  ) {
    this.datasets = new DatasetsRepo(db);
    this.images = new ImagesRepo(db);
    this.models = new ModelsRepo(db);
    this.runs = new RunsRepo(db);
    this.latents = new LatentsRepo(db);
    this.evaluations = new EvaluationsRepo(db);
    this.jobs = new JobsRepo(db);
  }

  /**
   * Runs fn in one write transaction (nested calls become savepoints). IMMEDIATE takes the write
   * lock up front, so a read-then-write inside fn never fails on another connection's commit.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** PRAGMA integrity_check: 'ok' for a sound database file. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export interface OpenOptions {
  /**
   * Mark jobs and training runs whose process died as interrupted (default true). Worker
   * threads opening a second connection skip it: their host already did it.
   */
  recover?: boolean;
}

/** Opens (creating and migrating when needed) the catalog file. */
export function openCatalog(file: string, options: OpenOptions = {}): Catalog {
  const db = openDatabase(file);
  try {
    migrate(db, file);
    const catalog = new Catalog(db, file);
    if (options.recover ?? true) {
      catalog.jobs.recoverAbandoned();
      catalog.runs.recoverAbandoned();
    }
    return catalog;
  } catch (err) {
    db.close();
    throw err;
  }
}
