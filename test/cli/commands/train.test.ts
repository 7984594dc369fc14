// `train` through main(argv): one JSON document on stdout with the DESIGN.md section 5 fields,
// progress on stderr, the model registered; one-line usage errors.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { sink } from '../../helpers/text-sink.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(() => (tmp = makeTmpDir('ls-cli-train-')));
afterAll(() => tmp.cleanup());

async function run(...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['--home', path.join(tmp.dir, 'home'), ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cli train', () => {
  it('trains on an imported dataset and prints the train contract as one JSON document', async () => {
    expect((await run('--json', 'import', path.join(FIXTURES, 'digits'), '--dataset', 'digits')).code).toBe(0);
    const r = await run(
      '--json',
      'train',
      '--dataset',
      'digits',
      '--arch',
      'dense-prior',
      '--code-size',
      '8',
      '--layers',
      '64,32',
      '--epochs',
      '2',
      '--seed',
      '3',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['model', 'backend', 'epochs', 'loss', 'valLoss', 'seconds', 'samplesPerSecond']) expect(doc).toHaveProperty(key);
    // A learned family reports its validation curve.
    expect(doc).toMatchObject({ arch: 'dense-prior', epochs: 2, seed: 3, codeValues: 8 });
    expect((doc.rd as unknown[]).length).toBe(4);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(doc.backend);
    expect(typeof doc.backendReason).toBe('string');
    expect(doc.samplesPerSecond as number).toBeGreaterThan(0);
    // The progress bar ends on stderr with the last epoch's figures; stdout holds only the JSON.
    expect(r.stderr).toMatch(/train \[#+\] 2\/2 loss \d+\.\d{4} val \d+\.\d{3} bpp \d+\.\d{2} dB/);
    // Without the native backend, one line says which backend trains and why; with it, nothing.
    const backendLines = r.stderr.split('\n').filter((l) => l.includes('tfjs backend:'));
    if (doc.backend === 'tensorflow') expect(backendLines).toEqual([]);
    else {
      expect(backendLines).toHaveLength(1);
      expect(backendLines[0]).toContain(doc.backendReason as string);
    }
    const models = JSON.parse((await run('--json', 'models')).stdout) as unknown;
    expect(JSON.stringify(models)).toContain(doc.model as string);
  });

  it('gives one-line errors for bad flags and unknown datasets', async () => {
    const badArch = await run('train', '--dataset', 'digits', '--arch', 'rnn');
    expect(badArch.code).toBe(1);
    expect(badArch.stderr).toContain("--arch must be one of factorized, hyperprior, dense-prior, dense, conv, got 'rnn'");
    const badLayers = await run('train', '--dataset', 'digits', '--layers', '64,x');
    expect(badLayers.code).toBe(1);
    expect(badLayers.stderr).toContain("--layers must be up to 8 whole numbers from 1 to 16384, separated by commas, got '64,x'");
    const missing = await run('train', '--dataset', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("dataset 'nope' is not in the catalog");
  });
});
