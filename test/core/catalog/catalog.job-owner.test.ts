// Who owns a job: a pid alone is not enough (a zombie and a reused pid both answer kill(pid, 0)),
// so an owner is a pid plus its start time. A catalog opened after a crash marks the jobs and
// training runs of a zombie, an ended process or a reused pid interrupted, and leaves those of a
// live owner alone; old rows (no start time, from before migration 7) are judged by the pid.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { isOwnerAlive, isProcessAlive, psProbe, selfOwner } from '../../../src-main/core/system/process-alive.js';
import { deadPid, spawnLive, spawnZombie, type Held } from '../../helpers/owner-processes.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
const held: Held[] = [];
beforeEach(() => (tmp = makeTmpDir('ls-owner-')));
afterEach(() => {
  for (const h of held.splice(0)) h.stop();
  tmp.cleanup();
});

describe('process ownership', () => {
  it('a zombie, an ended process and a pid with another start time own nothing; a live process does', async () => {
    const zombie = await spawnZombie();
    const live = await spawnLive();
    held.push(zombie, live);
    expect(isOwnerAlive(selfOwner())).toBe(true);
    if (process.platform === 'linux') expect(selfOwner().start).toMatch(/^[0-9a-z]+$/);
    expect(isProcessAlive(zombie.pid)).toBe(false);
    expect(isOwnerAlive({ pid: zombie.pid, start: null })).toBe(false);
    expect(isProcessAlive(await deadPid())).toBe(false);
    expect(isOwnerAlive(live.owner)).toBe(true);
    // The pid lives on, but in another process than the one recorded: a reused pid.
    expect(isOwnerAlive({ pid: live.pid, start: 'zz0' })).toBe(false);
    expect(isOwnerAlive({ pid: process.pid, start: 'zz0' })).toBe(false);
  });

  it.runIf(process.platform !== 'win32')('the ps probe (macOS, the BSDs) tells the same apart', async () => {
    const zombie = await spawnZombie();
    const live = await spawnLive();
    held.push(zombie, live);
    expect(psProbe(zombie.pid)).toEqual({ state: 'zombie' });
    expect(psProbe(await deadPid())).toEqual({ state: 'gone' });
    const probe = psProbe(live.pid);
    expect(probe).toMatchObject({ state: 'running', start: expect.stringMatching(/^[0-9a-z]+$/) });
    // Started at least as late as this process, to the second.
    const self = psProbe(process.pid);
    const seconds = (p: typeof probe) => (p.state === 'running' && p.start ? parseInt(p.start, 36) : NaN);
    expect(seconds(probe)).toBeGreaterThanOrEqual(seconds(self));
  });
});

describe('jobs after a crash', () => {
  it('marks the jobs of a zombie, an ended process or a reused pid interrupted, and keeps a live owner’s', async () => {
    const zombie = await spawnZombie();
    const live = await spawnLive();
    held.push(zombie, live);
    const file = path.join(tmp.dir, 'catalog.sqlite');
    const first = openCatalog(file);
    const ids: Record<string, number> = {};
    const rows: Array<[string, string, number, string | null]> = [
      ['zombie (old row, no start time)', 'running', zombie.pid, null],
      ['ended', 'paused', await deadPid(), null],
      ['reused pid', 'running', live.pid, 'zz0'],
      ['this pid, an earlier process', 'running', process.pid, 'zz0'],
      ['live owner', 'paused', live.pid, live.owner.start],
      ['live owner, old row', 'running', live.pid, null],
    ];
    for (const [name, state, pid, start] of rows) {
      const job = first.jobs.create({ kind: 'batch.compress', input: { name } });
      first.db.prepare('UPDATE jobs SET state = ?, pid = ?, pid_start = ? WHERE id = ?').run(state, pid, start, job.id);
      ids[name] = job.id;
    }
    const run = first.runs.begin({ datasetId: null, params: {} });
    first.db.prepare('UPDATE training_runs SET pid = ?, pid_start = NULL WHERE id = ?').run(zombie.pid, run);
    first.close();

    const catalog = openCatalog(file);
    try {
      const state = (name: string) => catalog.jobs.require(ids[name]!).state;
      expect(state('zombie (old row, no start time)')).toBe('interrupted');
      expect(state('ended')).toBe('interrupted');
      expect(state('reused pid')).toBe('interrupted');
      expect(state('this pid, an earlier process')).toBe('interrupted');
      expect(state('live owner')).toBe('paused');
      expect(state('live owner, old row')).toBe('running');
      expect(catalog.runs.get(run)?.state).toBe('interrupted');
      // A job claimed here records this process with its start time.
      const mine = catalog.jobs.claim(ids['ended']!);
      expect(mine).toMatchObject({ pid: process.pid, pidStart: selfOwner().start, state: 'running' });
    } finally {
      catalog.close();
    }
  });
});

describe('two studios starting the same work at once', () => {
  it('the later claim loses in its write transaction: refused in one line, its never-started job marked failed', async () => {
    const live = await spawnLive();
    held.push(live);
    const catalog = openCatalog(path.join(tmp.dir, 'catalog.sqlite'));
    try {
      const input = { out: '/x' };
      const theirs = catalog.jobs.create({ kind: 'batch.compress', input });
      catalog.db
        .prepare("UPDATE jobs SET state = 'running', pid = ?, pid_start = ? WHERE id = ?")
        .run(live.pid, live.owner.start, theirs.id);
      const mine = catalog.jobs.create({ kind: 'batch.compress', input });
      const sameWork = (other: { input: unknown }) => JSON.stringify(other.input) === JSON.stringify(input);
      const why = `job ${theirs.id} is running in another studio (process ${live.pid}); wait for it, or pause or cancel it there`;
      expect(() => catalog.jobs.claim(mine.id, { sameWork })).toThrow(why);
      expect(catalog.jobs.require(mine.id)).toMatchObject({ state: 'failed', error: why, startedAt: null });
      // Other work is not held up by it.
      const other = catalog.jobs.create({ kind: 'batch.compress', input: { out: '/y' } });
      expect(catalog.jobs.claim(other.id, { sameWork: (j) => JSON.stringify(j.input) === '{"out":"/y"}' }).state).toBe('running');
    } finally {
      catalog.close();
    }
  });
});
