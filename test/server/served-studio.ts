// One studio behind a real HTTP server on a fresh home per test, with a stand-in renderer build
// (an index.html and one asset): the setup every server test shares.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Studio } from '../../src-main/core/studio.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { makeTmpDir } from '../helpers/tmp-home.js';

export interface ServedStudio {
  tmp: ReturnType<typeof makeTmpDir>;
  studio: Studio;
  server: RunningServer;
}

/** Registers the per-test setup and teardown; the returned object holds the current test's parts. */
export function useServedStudio(options: { maxUploadBytes?: number } = {}): ServedStudio {
  const ctx = {} as ServedStudio;
  beforeEach(async () => {
    ctx.tmp = makeTmpDir();
    const renderer = path.join(ctx.tmp.dir, 'renderer');
    mkdirSync(path.join(renderer, 'assets'), { recursive: true });
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
    writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    ctx.studio = new Studio({ homeDir: path.join(ctx.tmp.dir, 'home'), host: 'server' });
    ctx.server = await startServer({ studio: ctx.studio, rendererDir: renderer, ...options });
  });
  afterEach(async () => {
    await ctx.server.close();
    await ctx.studio.close();
    ctx.tmp.cleanup();
  });
  return ctx;
}
