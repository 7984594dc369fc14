// Crash safety for real: a child process is SIGKILLed in the middle of an import and in the
// middle of a long write transaction; the catalog must then pass integrity_check, show the job
// as interrupted, and resume it without redoing finished files.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCatalog, openCatalog } from '../../../src-main/core/catalog/index.js';
import { studioHome } from '../../../src-main/core/system/home.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { writeDistinctJpegs } from './catalog-fixtures.js';
import { jobResult } from '../../helpers/jobs.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir('ls-crash-')));
afterEach(() => tmp.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

/** Reads the import job's progress from the catalog file while another process writes it. */
function peekJob(file: string): { state: string; done: number; total: number | null } | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 1000 });
    return db.prepare("SELECT state, done, total FROM jobs WHERE kind = 'import' ORDER BY id LIMIT 1").get() as
      { state: string; done: number; total: number | null } | undefined;
  } catch {
    return undefined; // not created yet
  } finally {
    db?.close();
  }
}

function itemsOf(file: string, jobId: number): Map<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT key, at FROM job_items WHERE job_id = ?').all(jobId) as { key: string; at: string }[];
    return new Map(rows.map((r) => [r.key, r.at]));
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it('survives SIGKILL in the middle of a CLI import; the job is interrupted and resumes to completion', async () => {
    const count = 300;
    const photos = path.join(tmp.dir, 'photos');
    writeDistinctJpegs(photos, count);
    const homeDir = path.join(tmp.dir, 'home');
    const home = studioHome(homeDir);
    const child = spawn(process.execPath, ['bin/latent-studio.js', '--home', homeDir, '--json', 'import', photos, '--dataset', 'big'], {
      stdio: 'ignore',
    });
    const gone = exited(child);
    let seen: ReturnType<typeof peekJob>;
    for (let i = 0; i < 2000; i++) {
      seen = peekJob(home.catalogFile);
      if (seen && seen.done >= 10) break;
      if (child.exitCode !== null) break;
      await sleep(10);
    }
    child.kill('SIGKILL');
    expect(await gone).toBe('SIGKILL');
    expect(seen!.state).toBe('running');

    const catalog = openCatalog(home.catalogFile);
    let before: Map<string, string>;
    let jobId: number;
    try {
      expect(catalog.integrityCheck()).toBe('ok');
      const job = catalog.jobs.list({ kind: 'import' })[0]!;
      jobId = job.id;
      expect(job.state).toBe('interrupted');
      expect(job.done).toBeGreaterThanOrEqual(10);
      expect(job.done).toBeLessThan(count);
      // Every committed image has its item record and vice versa: nothing half-imported.
      const d = catalog.datasets.byName('big')!;
      expect(catalog.images.count(d.id)).toBe(catalog.jobs.countItems(job.id).done);
      before = itemsOf(home.catalogFile, job.id);
    } finally {
      catalog.close();
    }

    const resumed = spawnSync(
      process.execPath,
      ['bin/latent-studio.js', '--home', homeDir, '--json', 'import', '--resume', String(jobId)],
      { encoding: 'utf8' },
    );
    expect(resumed.stderr.split('\n').filter((l) => l.startsWith('latent-studio:'))).toEqual([]);
    expect(resumed.status).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      jobId,
      dataset: 'big',
      state: 'done',
      total: count,
      added: count,
      skipped: 0,
      failed: [],
    });

    const after = openCatalog(home.catalogFile);
    try {
      expect(after.integrityCheck()).toBe('ok');
      const d = after.datasets.byName('big')!;
      const images = after.images.forDataset(d.id);
      expect(images.length).toBe(count);
      expect(new Set(images.map((i) => i.hash)).size).toBe(count);
      expect(after.jobs.get(jobId)!.state).toBe('done');
    } finally {
      after.close();
    }
    // Items finished before the crash were not redone (their records are untouched).
    const final = itemsOf(home.catalogFile, jobId);
    for (const [key, at] of before) expect(final.get(key)).toBe(at);
  });

  it('survives SIGKILL in the middle of a long write transaction: rolled back whole, job resumable', async () => {
    const photos = path.join(tmp.dir, 'photos');
    writeDistinctJpegs(photos, 8);
    const homeDir = path.join(tmp.dir, 'home');
    const home = studioHome(homeDir);
    mkdirSync(home.thumbnailsDir, { recursive: true });
    const rows = 150_000;
    const child = spawn(
      process.execPath,
      ['bin/run-ts.js', 'test/core/catalog/catalog-crash-writer.ts', home.catalogFile, home.thumbnailsDir, photos, String(rows)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const gone = exited(child);
    const lines: string[] = [];
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      if (lines.includes('writing')) child.kill('SIGKILL');
    });
    expect(await gone).toBe('SIGKILL');
    expect(lines).toContain('writing');
    expect(lines).not.toContain('committed');

    const studio = new Studio({ homeDir, host: 'test' });
    try {
      const catalog = getCatalog(studio.context);
      expect(catalog.integrityCheck()).toBe('ok');
      // The interrupted transaction left no trace: the dataset and every one of its rows are there.
      const bulk = catalog.datasets.byName('bulk')!;
      expect(bulk).toBeDefined();
      expect(catalog.images.count(bulk.id)).toBe(rows);
      // The import job the dead process held is interrupted, with its two finished files kept.
      const jobId = Number(lines.find((l) => l.startsWith('job '))!.slice(4));
      expect(catalog.jobs.get(jobId)).toMatchObject({ state: 'interrupted', done: 2 });
      const before = itemsOf(home.catalogFile, jobId);

      await studio.call('resumeJob', { jobId });
      const summary = await jobResult(studio, 'import', jobId);
      expect(summary).toMatchObject({ state: 'done', total: 8, added: 8, failed: [] });
      const final = itemsOf(home.catalogFile, jobId);
      for (const [key, at] of before) expect(final.get(key)).toBe(at);
      expect(catalog.integrityCheck()).toBe('ok');
    } finally {
      await studio.close();
    }
  });
});
