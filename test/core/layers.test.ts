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
  expect(result.modules.length).toBe(Object.keys(files).length);
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
      'codec-pure: codec/handlers.ts -> catalog/index.ts',
      'codec-pure: codec/handlers.ts -> workers/host.ts',
    ]);
  });
});
