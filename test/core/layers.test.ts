// The layer rules of .dependency-cruiser.cjs (run over the real tree by `npm run check:layers`)
// bite: a small tree of core folders in a temporary directory is cruised with the project's rules.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../helpers/tmp-home.js';

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** Violations (rule name, from -> to) of the project's rules over the files given, paths under src-main/core. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const tmp = makeTmpDir('layers-');
  cleanup = tmp.cleanup;
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(tmp.dir, 'src-main/core', rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const { forbidden } = config;
  const run = await cruise(['src-main'], {
    ...config.options,
    baseDir: tmp.dir,
    validate: true,
    ruleSet: { forbidden },
    tsConfig: undefined,
    outputType: 'json',
  });
  const result = (typeof run.output === 'string' ? JSON.parse(run.output) : run.output) as ICruiseResult;
  // Node's own modules (node:fs) are modules of the result too.
  expect(result.modules.filter((m) => !m.coreModule).length).toBe(Object.keys(files).length);
  const strip = (p: string) => p.replace(/^src-main\/core\//, '');
  return result.summary.violations.map((v) => `${v.rule.name}: ${strip(v.from)} -> ${strip(v.to)}`);
}

describe('layers', () => {
  it('refuses a lower layer importing a higher one, at run time and by type', async () => {
    const found = await violations({
      'metrics/ssim.ts': 'export const ssim = 1;\nexport interface Score { v: number }\n',
      'codec/compress.ts': "import { ssim } from '../metrics/ssim.js';\nexport const x = ssim;\n",
      'catalog/types.ts': "import type { Score } from '../metrics/ssim.js';\nexport type S = Score;\n",
    });
    expect(found.sort()).toEqual([
      'layer-catalog-types: catalog/types.ts -> metrics/ssim.ts',
      'layer-codec: codec/compress.ts -> metrics/ssim.ts',
    ]);
  });

  it('refuses two folders of one layer importing each other and a folder importing the composition root', async () => {
    const found = await violations({
      'queue/submit.ts': "import { host } from '../remote/host.js';\nexport const q = host;\n",
      'remote/host.ts': 'export const host = 1;\n',
      'api.ts': 'export const studioEvents = {};\n',
      'engine/handlers.ts': "import { studioEvents } from '../api.js';\nexport const e = studioEvents;\n",
    });
    expect(found.sort()).toEqual(['layer-engine: engine/handlers.ts -> api.ts', 'layer-queue: queue/submit.ts -> remote/host.ts']);
  });

  it('allows imports downwards and type-only imports of the root context', async () => {
    const found = await violations({
      'context.ts': 'export interface CoreContext { home: string }\n',
      'engine/model-io.ts': 'export const load = 1;\n',
      'metrics/sweep.ts':
        "import { load } from '../engine/model-io.js';\nimport type { CoreContext } from '../context.js';\nexport const c = (ctx: CoreContext) => [load, ctx];\n",
    });
    expect(found).toEqual([]);
  });

  it('keeps codec/ pure: no catalog, settings, jobs or workers, and the engine as types alone', async () => {
    const found = await violations({
      'catalog/index.ts': 'export const getCatalog = 1;\n',
      'workers/host.ts': 'export const startWorkerTask = 1;\n',
      'engine/model-io.ts': 'export const load = 1;\nexport interface CodeGrid { data: number[] }\n',
      'imaging/index.ts': 'export const readImage = 1;\n',
      'codec/handlers.ts':
        "import { getCatalog } from '../catalog/index.js';\nimport { startWorkerTask } from '../workers/host.js';\nexport const h = [getCatalog, startWorkerTask];\n",
      'codec/compress.ts':
        "import { load } from '../engine/model-io.js';\nimport { readImage } from '../imaging/index.js';\nexport const c = [load, readImage];\n",
      'codec/model.ts': "import type { CodeGrid } from '../engine/model-io.js';\nexport type G = CodeGrid;\n",
    });
    expect(found.sort()).toEqual([
      'codec-engine-types-only: codec/compress.ts -> engine/model-io.ts',
      'codec-no-files: codec/compress.ts -> imaging/index.ts',
      'codec-pure: codec/handlers.ts -> catalog/index.ts',
      'codec-pure: codec/handlers.ts -> workers/host.ts',
    ]);
  });

  it('keeps files out of codec/: no node:fs, input/ or imaging file reading, while codec-files/ above it may', async () => {
    const found = await violations({
      'input/open-input.ts': 'export const openInput = 1;\nexport interface Limits { maxBytes: number }\n',
      'imaging/read.ts': 'export const readImage = 1;\n',
      'imaging/write.ts': 'export const writeFileAtomic = 1;\n',
      'imaging/index.ts': "export { readImage } from './read.js';\nexport interface RawImage { width: number }\n",
      'imaging/pixels.ts': 'export const toChannels = 1;\n',
      'codec/latent.ts':
        "import { readFile } from 'node:fs/promises';\nimport { openInput } from '../input/open-input.js';\nexport const l = [readFile, openInput];\n",
      'codec/calibrate.ts':
        "import { writeFileSync } from 'node:fs';\nimport { writeFileAtomic } from '../imaging/write.js';\nimport { readImage } from '../imaging/read.js';\nexport const c = [writeFileSync, writeFileAtomic, readImage];\n",
      'codec/compress.ts':
        "import type { RawImage } from '../imaging/index.js';\nimport type { Limits } from '../input/open-input.js';\nimport { toChannels } from '../imaging/pixels.js';\nexport const p = (r: RawImage, l: Limits) => [r, l, toChannels];\n",
      'codec/pack.ts': "import { prepareFile } from '../codec-files/prepare-file.js';\nexport const k = prepareFile;\n",
      'codec-files/prepare-file.ts':
        "import { readFile } from 'node:fs/promises';\nimport { openInput } from '../input/open-input.js';\nimport { readImage } from '../imaging/index.js';\nimport { p } from '../codec/compress.js';\nexport const prepareFile = [readFile, openInput, readImage, p];\n",
      'metrics/sweep.ts': "import { prepareFile } from '../codec-files/prepare-file.js';\nexport const s = prepareFile;\n",
      'codec-files/sweep-cache.ts': "import { s } from '../metrics/sweep.js';\nexport const c = s;\n",
    });
    expect(found.sort()).toEqual([
      'codec-no-files: codec/calibrate.ts -> fs',
      'codec-no-files: codec/calibrate.ts -> imaging/read.ts',
      'codec-no-files: codec/calibrate.ts -> imaging/write.ts',
      'codec-no-files: codec/latent.ts -> fs/promises',
      'codec-no-files: codec/latent.ts -> input/open-input.ts',
      'layer-codec-files: codec-files/sweep-cache.ts -> metrics/sweep.ts',
      'layer-codec: codec/pack.ts -> codec-files/prepare-file.ts',
    ]);
  });
});
