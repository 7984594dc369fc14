// `latent-studio eval` through main(argv): classical codecs on real files (the model case is in
// eval.model.test.ts). Checks the --json document of DESIGN.md section 5, the table, exports and
// exit statuses.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { sink } from '../../helpers/text-sink.js';

const land = path.resolve(__dirname, '../../fixtures/landscapes-small');
let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

async function run(argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['--home', path.join(tmp.dir, 'home'), ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cli eval (classical codecs)', () => {
  it('--json prints one document with curves per codec', async () => {
    const r = await run([
      '--json',
      'eval',
      path.join(land, 'beach0.jpg'),
      path.join(land, 'forest0.jpg'),
      '--codecs',
      'jpeg,webp',
      '--classical-qualities',
      '25,75',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      model: string | null;
      curves: Record<string, { bpp: number[]; 'psnr-rgb': number[]; 'ms-ssim-rgb': number[] }>;
      bdRate: Record<string, number | null>;
      images: number;
    };
    expect(doc.model).toBeNull();
    expect(Object.keys(doc.curves)).toEqual(['jpeg', 'webp']);
    for (const c of Object.values(doc.curves)) {
      expect(c.bpp).toHaveLength(2);
      expect(c['psnr-rgb'][1]).toBeGreaterThan(c['psnr-rgb'][0]!);
      expect(c['ms-ssim-rgb'][1]).toBeLessThanOrEqual(1);
    }
    expect(doc.bdRate).toEqual({});
    expect(doc.images).toBe(2);
    expect(r.stderr).toMatch(/eval \[/);
  });

  it('prints a readable table, writes CSV and CompressAI JSON, exits 2 when an image fails', async () => {
    const bad = path.join(tmp.dir, 'bad.jpg');
    writeFileSync(bad, 'not an image');
    const csv = path.join(tmp.dir, 'out.csv');
    const cai = path.join(tmp.dir, 'out.json');
    const r = await run([
      'eval',
      path.join(land, 'canyon0.jpg'),
      bad,
      '--codecs',
      'avif',
      '--classical-qualities',
      '40',
      '--csv',
      csv,
      '--compressai',
      cai,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^AVIF$/m);
    expect(r.stdout).toMatch(/quality\s+bpp\s+PSNR dB\s+MS-SSIM/);
    // Ratios as the studio writes them (core/system/units.ts): 125:1, never 22.6 or 22.6x.
    expect(r.stdout).toMatch(/^\s+40\s.*\s\d+(\.\d)?:1\s+\d+(\.\d)?:1\s/m);
    expect(r.stdout).toMatch(/^failed: .*bad\.jpg: /m);
    expect(readFileSync(csv, 'utf8').split('\n')[1]).toMatch(/^mean,,avif,40,/);
    expect(JSON.parse(readFileSync(cai, 'utf8'))[0]).toMatchObject({ name: 'avif', results: { bpp: [expect.any(Number)] } });
  });

  it('usage errors are one line, exit 1', async () => {
    const both = await run(['eval', '--dataset', 'x', path.join(land, 'beach0.jpg')]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--dataset NAME or image paths/);
    const codec = await run(['eval', path.join(land, 'beach0.jpg'), '--codecs', 'gif']);
    expect(codec.stderr).toContain("--codecs must be up to 3 of jpeg, webp, avif, separated by commas, got 'gif'");
    const model = await run(['eval', '--model', 'm1', path.join(land, 'beach0.jpg')]);
    expect(model.code).toBe(1);
    expect(model.stderr.trim()).toBe('latent-studio: model m1 is not in the catalog (see latent-studio models)');
  });
});
