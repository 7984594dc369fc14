// Writes test/fixtures/base/: for each shipped base model (resources/models/<id>/), one .latent file
// compressed with it through the CLI in a fresh home (quality 50) from a committed fixture image,
// and expected.json with the sha256 of the decoded pixels. test/core/engine/models.shipped-bases.test.ts
// decodes the files in a fresh process and compares. Rerun after shipping a new base:
//   node bin/run-ts.js scripts/dev/base-fixtures.ts
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { NO_ONNX_ENV } from '../../src-main/core/engine/onnx/runner.js';

const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'test/fixtures/base');
const cli = path.join(root, 'bin/latent-studio.js');
const SOURCES: Record<string, string> = {
  1: path.join(root, 'test/fixtures/digits/d3-r15-c80.png'),
  3: path.join(root, 'test/fixtures/landscapes-small/beach0.jpg'),
};
const home = mkdtempSync(path.join(tmpdir(), 'base-fixtures-'));
const expected: Record<string, { file: string; source: string; pixelsSha256: string; width: number; height: number; channels: number }> =
  {};
try {
  for (const id of readdirSync(path.join(root, 'resources/models')).sort()) {
    const card = JSON.parse(readFileSync(path.join(root, 'resources/models', id, 'card.json'), 'utf8')) as { channels: 1 | 3 };
    const src = SOURCES[card.channels]!;
    const lat = path.join(home, 'lat', id);
    execFileSync(process.execPath, [cli, '--home', home, 'compress', '--model', id, src, '--out', lat, '--quality', '50'], {
      stdio: 'inherit',
    });
    const name = `${id}.latent`;
    copyFileSync(path.join(lat, `${path.parse(src).name}.latent`), path.join(out, name));
    const dec = path.join(home, 'dec', id);
    // The expected pixels are tfjs's (the test checks onnxruntime against them within one level).
    execFileSync(process.execPath, [cli, '--home', home, 'decompress', path.join(out, name), '--out', dec, '--format', 'png'], {
      stdio: 'inherit',
      env: { ...process.env, [NO_ONNX_ENV]: '1' },
    });
    const png = path.join(dec, `${id}.png`);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expected[id] = {
      file: name,
      source: path.relative(root, src),
      pixelsSha256: createHash('sha256').update(data).digest('hex'),
      width: info.width,
      height: info.height,
      channels: info.channels,
    };
  }
  writeFileSync(path.join(out, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
  console.log(`wrote ${Object.keys(expected).length} fixture(s) to ${out}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
