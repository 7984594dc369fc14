import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, saveWindowState } from '../../src-main/shell/window-state.js';
import { makeTmpDir } from '../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

describe('window state', () => {
  it('round-trips size, position and maximized', async () => {
    const s = { x: 10, y: 20, width: 1000, height: 700, maximized: true };
    await saveWindowState(tmp.dir, s);
    expect(loadWindowState(tmp.dir)).toEqual(s);
  });

  it('falls back to defaults on a missing or corrupt file', () => {
    expect(loadWindowState(tmp.dir)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(path.join(tmp.dir, 'window-state.json'), '{"width": "huge"');
    expect(loadWindowState(tmp.dir)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('drops a position that is on no display any more', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(fitToDisplays({ x: 100, y: 100, width: 800, height: 600, maximized: false }, displays)).toMatchObject({ x: 100, y: 100 });
    expect(fitToDisplays({ x: 5000, y: 100, width: 800, height: 600, maximized: false }, displays)).toEqual({ width: 800, height: 600, maximized: false });
  });
});
