// The shipped base models (resources/models/): a photo base (RGB) and a small-image base (gray)
// exist, each under 8 MB with the weights hash its card names (what the catalog registers and
// format-v2 files carry a tag of); a fresh studio home registers them; and a committed file
// compressed with each (test/fixtures/base, scripts/dev/base-fixtures.ts) decodes in a fresh
// process, through the CLI, to exactly the expected pixels on tfjs, and within one 8-bit level
// of them through onnxruntime's transforms (the symbols are the same: float rounding only).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { MAX_BASE_BYTES } from '../../../src-main/core/engine/base-export.js';
import { loadModel } from '../../../src-main/core/engine/model-io.js';
import { NO_ONNX_ENV } from '../../../src-main/core/engine/onnx/runner.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const root = path.resolve(import.meta.dirname, '../../..');
const modelsDir = path.join(root, 'resources/models');
const run = promisify(execFile);
const bases = readdirSync(modelsDir).sort();
const expected = JSON.parse(readFileSync(path.join(root, 'test/fixtures/base/expected.json'), 'utf8')) as Record<
  string,
  { file: string; pixelsSha256: string; width: number; height: number; channels: number }
>;

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(async () => {
  await chooseBackend();
  tmp = makeTmpDir('ls-shipped-');
});
afterAll(() => tmp?.cleanup());

describe('shipped base models', () => {
  it('a photo base (RGB, hyperprior) and a small-image base (gray) are shipped', () => {
    const cards = bases.map(
      (id) => JSON.parse(readFileSync(path.join(modelsDir, id, 'card.json'), 'utf8')) as { id: string; arch: string; channels: number },
    );
    expect(cards.map((c) => c.id)).toEqual(bases);
    expect(cards.some((c) => c.arch === 'hyperprior' && c.channels === 3)).toBe(true);
    expect(cards.some((c) => c.channels === 1)).toBe(true);
  });

  it.each(bases)('%s: under 8 MB, and its card names the hash of its weights', async (id) => {
    const dir = path.join(modelsDir, id);
    const bytes = ['params.json', 'params.bin', 'tables.bin'].reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(MAX_BASE_BYTES);
    const card = JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8')) as { weightsHash: string };
    const loaded = await loadModel(dir);
    try {
      expect(loaded.weightsHash).toBe(card.weightsHash);
    } finally {
      loaded.dispose();
    }
  });

  it.each(bases)(
    '%s: a committed file decodes in a fresh process to the expected pixels (tfjs), and within one level on onnxruntime',
    async (id) => {
      const e = expected[id];
      expect(e, `test/fixtures/base/expected.json has no entry for ${id} (run scripts/dev/base-fixtures.ts)`).toBeDefined();
      const file = path.join(root, 'test/fixtures/base', e!.file);
      const decode = async (runtime: 'tfjs' | 'onnx') => {
        const out = path.join(tmp.dir, `${id}-${runtime}`);
        const env: NodeJS.ProcessEnv = { ...process.env, LATENT_STUDIO_RESOURCES: '' };
        if (runtime === 'tfjs') env[NO_ONNX_ENV] = '1';
        else delete env[NO_ONNX_ENV];
        await run(
          process.execPath,
          [path.join(root, 'bin/latent-studio.js'), '--home', path.join(tmp.dir, id), 'decompress', file, '--out', out, '--format', 'png'],
          { env },
        );
        return sharp(path.join(out, `${id}.png`))
          .raw()
          .toBuffer({ resolveWithObject: true });
      };
      const { data, info } = await decode('tfjs');
      expect([info.width, info.height, info.channels]).toEqual([e!.width, e!.height, e!.channels]);
      expect(createHash('sha256').update(data).digest('hex')).toBe(e!.pixelsSha256);
      // The same symbols through onnxruntime's transforms: float rounding may move a pixel by one level.
      const onnx = await decode('onnx');
      expect([onnx.info.width, onnx.info.height, onnx.info.channels]).toEqual([e!.width, e!.height, e!.channels]);
      let worst = 0;
      for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - onnx.data[i]!));
      expect(worst).toBeLessThanOrEqual(1);
    },
  );
});
