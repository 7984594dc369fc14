// Re-running a batch command after a crash resumes its job even when the recorded owner pid is a
// zombie or now names another process; while the owner really runs, a second studio on the same
// home refuses in one line instead of starting a duplicate job that races for the same outputs.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../src-main/core/catalog/index.js';
import { studioHome } from '../../src-main/core/system/home.js';
import { DIGITS } from '../core/batch/helpers.js';
import { catalogedTinyModel, type TinyModel } from '../core/codec/tiny-model.js';
import { spawnLive, spawnZombie, type Held } from '../helpers/owner-processes.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { runCli } from './run-cli.js';

const COUNT = 12;
let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let model: TinyModel;
let src: string;
const held: Held[] = [];

beforeAll(async () => {
  tmp = makeTmpDir('ls-owner-cli-');
  home = path.join(tmp.dir, 'home');
  model = await catalogedTinyModel(home, 'owner-model', 'owner', 3);
  src = path.join(tmp.dir, 'digits');
  mkdirSync(src);
  for (let i = 0; i < COUNT; i++) copyFileSync(DIGITS[i]!, path.join(src, `d${String(i).padStart(2, '0')}.png`));
}, 120_000);

afterEach(() => {
  for (const h of held.splice(0)) h.stop();
});

afterAll(() => {
  model?.model.dispose();
  tmp?.cleanup();
});

interface Doc {
  job: number;
  resumed: boolean;
  summary: { total: number; written: number; failed: number };
}

/** A finished batch turned into what a crash leaves: 'running' under `pid`, the last 4 files not done. */
function crash(out: string, jobId: number, pid: number, start: string | null): void {
  const catalog = openCatalog(studioHome(home).catalogFile);
  try {
    const keys = catalog.jobs
      .items(jobId)
      .map((i) => i.key)
      .sort()
      .slice(-4);
    for (const k of keys) {
      catalog.db.prepare('DELETE FROM job_items WHERE job_id = ? AND key = ?').run(jobId, k);
      rmSync(path.join(out, `${path.parse(k).name}.latent`));
    }
    catalog.db
      .prepare("UPDATE jobs SET state = 'running', pid = ?, pid_start = ?, finished_at = NULL, done = ? WHERE id = ?")
      .run(pid, start, COUNT - 4, jobId);
  } finally {
    catalog.close();
  }
}

function batchJobs(): number {
  const catalog = openCatalog(studioHome(home).catalogFile);
  try {
    return catalog.jobs.list({ kind: 'batch.compress' }).length;
  } finally {
    catalog.close();
  }
}

describe('batch job ownership across processes', () => {
  it('resumes the job of a zombie owner or a reused pid, and refuses while a live studio holds it', async () => {
    const out = path.join(tmp.dir, 'out');
    const args = ['--json', 'compress', '--model', model.id, src, '--out', out, '--workers', '1'];
    const first = await runCli(home, ...args);
    expect(first.code, first.stderr).toBe(0);
    const jobId = (JSON.parse(first.stdout) as Doc).job;

    // Zombie owner: the re-run continues the same job, nothing is written twice or refused.
    const zombie = await spawnZombie();
    held.push(zombie);
    crash(out, jobId, zombie.pid, null);
    const again = await runCli(home, ...args);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ job: jobId, resumed: true, summary: { total: COUNT, written: COUNT, failed: 0 } });
    expect(again.stderr).not.toMatch(/already exists/);
    expect(readdirSync(out).filter((n) => n.endsWith('.latent'))).toHaveLength(COUNT);
    expect(batchJobs()).toBe(1);

    // Recorded pid alive, but it is another process now (a different start time): resumed too.
    const other = await spawnLive();
    held.push(other);
    crash(out, jobId, other.pid, 'zz0');
    const reused = await runCli(home, ...args);
    expect(reused.code, reused.stderr).toBe(0);
    expect(JSON.parse(reused.stdout)).toMatchObject({ job: jobId, resumed: true, summary: { written: COUNT, failed: 0 } });

    // The owner really runs: one line saying another studio holds the job, fresh or not; nothing changes.
    crash(out, jobId, other.pid, other.owner.start);
    for (const extra of [[], ['--fresh']]) {
      const refused = await runCli(home, ...args, ...extra);
      const held = new RegExp(`job ${jobId} is running in another studio \\(process ${other.pid}\\)`);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(held);
      expect((JSON.parse(refused.stdout) as { error: { message: string } }).error.message).toMatch(held);
    }
    expect(batchJobs()).toBe(1);
    expect(existsSync(path.join(out, 'd11.latent'))).toBe(false);

    // Once that process is gone, the same command finishes the job.
    await other.end();
    const last = await runCli(home, ...args);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout)).toMatchObject({ job: jobId, resumed: true, summary: { written: COUNT, failed: 0 } });
    expect(batchJobs()).toBe(1);
  }, 120_000);
});
