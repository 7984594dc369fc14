// listDir (the browser studio's folder browser): where it opens without a path, and what it lists.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src-main/core/studio.js';
import { makeTmpDir } from '../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
const savedHome = process.env.HOME;
beforeAll(() => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'studio'), host: 'test' });
});
afterAll(async () => {
  process.env.HOME = savedHome;
  await studio.close();
  tmp.cleanup();
});

describe('listDir', () => {
  it('opens at the user’s Pictures folder where there is one, else at home', async () => {
    const home = path.join(tmp.dir, 'user');
    mkdirSync(home);
    process.env.HOME = home;
    expect((await studio.call('listDir', {})).path).toBe(home);
    mkdirSync(path.join(home, 'Pictures', 'holiday'), { recursive: true });
    writeFileSync(path.join(home, 'Pictures', 'a.jpg'), 'x');
    const r = await studio.call('listDir', {});
    expect(r.path).toBe(path.join(home, 'Pictures'));
    expect(r.parent).toBe(home);
    expect(r.entries.map((e) => [e.name, e.kind])).toEqual([
      ['holiday', 'dir'],
      ['a.jpg', 'file'],
    ]);
  });
});
