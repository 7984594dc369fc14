// Temporary names record their writer (pid and start time), so a clean-up removes only the
// temporaries of dead writers: a batch starting on a folder keeps the live .part files of another
// run, and the home sweep does the same for caches, whatever their age.
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removePartials } from '../../../src-main/core/batch/output.js';
import { selfOwner, type ProcessOwner } from '../../../src-main/core/system/process-alive.js';
import { sweepStaleTemporaries } from '../../../src-main/core/system/home-sweep.js';
import { studioHome } from '../../../src-main/core/system/home.js';
import { parsePartName, partName } from '../../../src-main/core/system/part-name.js';
import { deadPid, spawnLive, spawnZombie, type Held } from '../../helpers/owner-processes.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir> | undefined;
const held: Held[] = [];
afterEach(() => {
  for (const h of held.splice(0)) h.stop();
  tmp?.cleanup();
});

/** A temporary name as `owner` would make it. */
const partOf = (base: string, o: ProcessOwner, hex = 'abcdef') => `.${base}.${o.pid.toString(36)}-${o.start ?? ''}-${hex}.part`;

describe('temporary names', () => {
  it('name their writer, and are told apart from the names of older versions', () => {
    const name = partName('photo 1.latent');
    expect(parsePartName(name)).toEqual({ base: 'photo 1.latent', owner: selfOwner() });
    expect(partName('a.png')).not.toBe(partName('a.png'));
    expect(parsePartName('.a.b-c.png.0123456789ab.part')).toEqual({ base: 'a.b-c.png' });
    expect(parsePartName('a.png')).toBeUndefined();
  });
});

describe('removing partial outputs', () => {
  it('removes the temporaries of dead writers only: a live run’s stay, whoever it is', async () => {
    tmp = makeTmpDir();
    const live = await spawnLive();
    const zombie = await spawnZombie();
    held.push(live, zombie);
    const out = path.join(tmp.dir, 'out');
    mkdirSync(out, { recursive: true });
    const names = {
      live: partOf('a.latent', live.owner),
      self: partOf('a.latent', selfOwner(), '123456'),
      reused: partOf('a.latent', { pid: live.pid, start: 'zz0' }, '000001'),
      zombie: partOf('a.latent', { pid: zombie.pid, start: null }),
      dead: partOf('b.latent', { pid: await deadPid(), start: null }),
      legacy: '.b.latent.0123456789ab.part',
      unplanned: partOf('c.latent', { pid: await deadPid(), start: null }),
      deadPackStage: partOf('pack', { pid: await deadPid(), start: null }),
      livePackStage: partOf('pack', live.owner, '222222'),
    };
    for (const [k, n] of Object.entries(names)) {
      if (k.endsWith('PackStage')) {
        mkdirSync(path.join(out, n));
        writeFileSync(path.join(out, n, 'img.png'), 'half');
      } else writeFileSync(path.join(out, n), 'half a file');
    }
    const removed = await removePartials([path.join(out, 'a.latent'), path.join(out, 'b.latent'), path.join(out, 'pack')]);
    const gone = ['reused', 'zombie', 'dead', 'legacy', 'deadPackStage'] as const;
    expect(removed.sort()).toEqual(gone.map((k) => path.join(out, names[k])).sort());
    for (const k of ['live', 'self', 'unplanned', 'livePackStage'] as const) expect(existsSync(path.join(out, names[k])), k).toBe(true);
  });

  it('the home sweep removes a dead writer’s temporary at once and keeps a live writer’s however old', async () => {
    tmp = makeTmpDir();
    const live = await spawnLive();
    held.push(live);
    const home = studioHome(path.join(tmp.dir, 'home'));
    const dir = path.join(home.root, 'cache', 'thumbnails', 'ab');
    mkdirSync(dir, { recursive: true });
    const dead = path.join(dir, partOf('abc.webp', { pid: await deadPid(), start: null }));
    const liveOld = path.join(dir, partOf('abd.webp', live.owner));
    for (const f of [dead, liveOld]) writeFileSync(f, 'x');
    const t = (Date.now() - 24 * 3600_000) / 1000;
    utimesSync(liveOld, t, t);
    expect(await sweepStaleTemporaries(home)).toEqual([dead]);
    expect(existsSync(liveOld)).toBe(true);
  });
});
