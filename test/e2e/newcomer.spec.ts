// A newcomer's first session in the browser studio, end to end on the real core: load the
// sample (a minute of fine-tuning the built-in small-image base, or of training from scratch where
// none is shipped), train a tiny model, compare it with JPEG/WebP/AVIF at equal size, draw the
// rate-distortion chart, and batch-compress a dropped folder (with one unreadable file in it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, startStudioServer, stopStudioServer, test } from './fixtures.ts';

const root = path.resolve(import.meta.dirname, '../..');
const sampleDir = path.join(root, 'resources/sample/digits');
const baseDir = path.join(root, 'resources/models');

interface BaseCard {
  name: string;
  arch: string;
  channels: number;
  hyper: Record<string, unknown>;
}

/** The shipped base a digits training starts from: factorized, gray, two stages (small images). */
function smallBase(): BaseCard | null {
  if (!existsSync(baseDir)) return null;
  for (const d of readdirSync(baseDir, { withFileTypes: true })) {
    const file = path.join(baseDir, d.name, 'card.json');
    if (!d.isDirectory() || !existsSync(file)) continue;
    const card = JSON.parse(readFileSync(file, 'utf8')) as BaseCard;
    if (card.arch === 'factorized' && card.channels === 1 && card.hyper.stages === 2) return card;
  }
  return null;
}

function nav(page: Page, view: string) {
  return page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true }).click();
}

/** Drops files on the window the way a file manager does: a drop event carrying a DataTransfer. */
async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]) {
  const payload = files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = Uint8Array.from(atob(it.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bin], it.name, { type: it.name.endsWith('.png') ? 'image/png' : 'application/octet-stream' }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

/** A full-page screenshot from the top (the header is sticky). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

test('a newcomer loads the sample, trains, compares, charts and batch-compresses a dropped folder', async ({ page, studioServer }) => {
  // The sample trains for a minute; the whole session takes a few minutes on a busy machine.
  test.setTimeout(420_000);
  const base = smallBase();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });

  // 1. First run: the library is empty and offers the sample.
  await page.goto(studioServer.launchUrl);
  await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();
  const firstRun = page.getByRole('region', { name: 'New here? Start with the sample' });
  await expect(firstRun).toContainText('for about a minute');
  if (base) await expect(firstRun).toContainText('fine-tunes its built-in small-image base model');
  await page.getByRole('button', { name: 'Load the sample' }).click();
  await expect(page.getByText('The sample model is trained')).toBeVisible({ timeout: 200_000 });
  await expect(page.getByRole('link', { name: 'Sample digits', exact: true })).toBeVisible();
  if (base) {
    await expect(page.getByText(`(fine-tuned from “${base.name}”)`)).toBeVisible();
    // The base is listed apart, marked and read-only; the sample model names where it started.
    const bases = page.getByRole('rowgroup', { name: 'Built-in base models' });
    await expect(bases.getByRole('row').filter({ hasText: base.name })).toContainText('Base');
    await expect(bases).toContainText('built-in general model; read-only; new trainings start from it');
    await expect(bases.getByRole('button', { name: /^Delete model/ })).toHaveCount(0);
    const own = page.getByRole('rowgroup', { name: 'Your models' });
    await expect(own).toContainText(`fine-tuned from ${base.name}`);
    await own.getByRole('button', { name: 'Details of model Sample digits' }).click();
    await expect(page.getByTestId('model-origin')).toContainText(`Fine-tuned from “${base.name}”`);
    await expect(page.getByTestId('model-facts').getByRole('columnheader', { name: 'base PSNR' })).toBeVisible();
  }
  await shot(page, 'newcomer-library');

  // 2. Train a tiny model of our own; the form says what the code and the decoder cost before
  // training. Small images get the learned factorized prior, started from the built-in base where
  // one fits: a time budget instead of epochs.
  await nav(page, 'Train');
  const main = page.getByRole('main', { name: 'Train' });
  await expect(main.getByLabel('Dataset')).toHaveValue('Sample digits');
  await expect(main.getByRole('radio', { name: /^Factorized prior/ })).toBeChecked();
  const start = main.getByTestId('start-choice');
  if (base) {
    await expect(start.getByRole('radio', { name: `Start from the built-in base model “${base.name}” (recommended)` })).toBeChecked();
    await expect(start.getByRole('radio', { name: 'From scratch', exact: true })).not.toBeChecked();
  } else {
    await expect(start).toHaveText(/From scratch \(no built-in base for this family and image type\)/);
  }
  await main.getByRole('spinbutton', { name: 'Code channels' }).fill('4');
  await expect(main.getByTestId('code-bytes')).toHaveText('100 B'); // 5x5 latents x 4 channels
  await expect(main.getByTestId('code-ratio')).toHaveText('4.0:1'); // 20x20x1 raw bytes / 100
  if (base) {
    // Other shapes than the base's: the form says the training would start from scratch, and restores them.
    await expect(start).toContainText('differ from this base');
    await start.getByRole('button', { name: 'Use the base’s options' }).click();
    await expect(main.getByRole('spinbutton', { name: 'Code channels' })).toHaveValue(String(base.hyper.m));
    await expect(start).not.toContainText('differ from this base');
  }
  await expect(main.getByTestId('decoder-mac')).toContainText('MAC per pixel');
  await expect(main.getByTestId('rate-range')).toContainText('quality 1-100 spans lambda');
  await expect(main.getByRole('spinbutton', { name: 'Epochs' })).toHaveCount(0);
  await main.getByRole('spinbutton', { name: 'Time budget' }).fill('0.1');
  await main.getByLabel('Name').fill('tiny digits');
  await main.getByRole('button', { name: 'Start training' }).click();
  await expect(main.getByText('Trained “tiny digits”')).toBeVisible({ timeout: 90_000 });
  await expect(main.getByRole('status').filter({ hasText: 'Trained “tiny digits”' })).toContainText(
    base ? `(fine-tuned from “${base.name}”)` : '(from scratch)',
  );
  await expect(main.getByTestId('val-rd')).toContainText(/\d\.\d{3} bpp/);
  await expect(main.getByRole('table', { name: 'Validation per rate point' }).getByRole('row')).toHaveCount(5); // header + 4 lambdas
  await expect(main.getByRole('region', { name: 'Validation reconstructions' }).locator('img').first()).toBeVisible();
  expect(Number(await main.getByTestId('samples-per-second').textContent())).toBeGreaterThan(0);
  await shot(page, 'newcomer-train');

  // 3. Compare it with JPEG, WebP and AVIF at the same size.
  await main.getByRole('link', { name: 'Compare', exact: true }).click();
  const cmp = page.getByRole('main', { name: 'Compare' });
  await expect(cmp.getByLabel('Model')).toHaveValue(/.+/);
  const table = cmp.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(5, { timeout: 60_000 }); // header + latent + 3 classical
  for (const codec of ['Latent', 'JPEG', 'WebP', 'AVIF']) await expect(table.getByRole('cell', { name: new RegExp(codec) })).toBeVisible();
  await expect(table.getByText(/\d+\.\d\d dB/).first()).toBeVisible();
  // A 20x20 digit's latent file is smaller than the smallest JPEG or AVIF: said, not shown as equal size.
  await expect(cmp.getByTestId('at-smallest')).toContainText(/The latent file \(\d+ B\) is smaller than the smallest .*(JPEG|AVIF)/);
  await expect(table.getByText(/its smallest file \(quality 1\) is [\d.]+× the latent file's bytes/).first()).toBeVisible();
  await expect(cmp.getByText('At 20×20 MS-SSIM has room for one scale only, so it equals SSIM here.')).toBeVisible();
  // Zoom to single pixels in one pane: the other follows (one shared viewport).
  const zoom = cmp.locator('.zoom');
  const before = await zoom.textContent();
  await cmp.getByRole('application').first().focus();
  await page.keyboard.press('+');
  await expect(zoom).not.toHaveText(before ?? '');
  await cmp.getByLabel('Difference heatmap').check();
  await expect(cmp.getByText(/^Difference \|original/).first()).toBeVisible();
  await cmp.getByLabel('Difference heatmap').uncheck();
  await cmp.getByRole('button', { name: 'Fit' }).click();
  await shot(page, 'newcomer-compare');
  await cmp.getByLabel('Slider', { exact: true }).check();
  await expect(cmp.getByLabel('Split position')).toBeVisible();
  await shot(page, 'newcomer-compare-slider');

  // 4. The rate-distortion chart with the model and the classical codecs.
  await nav(page, 'Charts');
  const ch = page.getByRole('main', { name: 'Charts' });
  await ch.getByRole('spinbutton', { name: 'Images' }).fill('6');
  await ch.getByRole('button', { name: 'Run evaluation' }).click();
  const psnrChart = ch.getByRole('figure', { name: 'PSNR against bits per pixel' });
  // The models' verdict evaluations are drawn already; the new one replaces them when it is done.
  await expect(psnrChart.locator('canvas')).toHaveAttribute('aria-label', /: Latent/, { timeout: 180_000 });
  const label = (await psnrChart.locator('canvas').getAttribute('aria-label')) ?? '';
  const codecs = label.split(': ')[1]?.split(', ') ?? [];
  expect(codecs.length).toBeGreaterThanOrEqual(2);
  expect(codecs.some((c) => c.startsWith('Latent'))).toBe(true);
  expect(codecs).toContain('WebP');
  const download = page.waitForEvent('download');
  await psnrChart.getByRole('button', { name: 'CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.split('\n')[0]).toBe('series,bpp,PSNR-RGB (dB)');
  expect(csv).toMatch(/\nWebP,[\d.]+,[\d.]+/);
  await expect(ch.getByRole('cell', { name: 'WebP', exact: true })).toBeVisible();
  await shot(page, 'newcomer-charts');

  // 5. Batch: drop a folder's files (five digits and a text file posing as a PNG) and compress them.
  await nav(page, 'Batch');
  const bt = page.getByRole('main', { name: 'Batch' });
  const digits = readdirSync(sampleDir)
    .filter((f) => f.startsWith('digit-7-'))
    .slice(0, 5);
  await dropFiles(page, [
    ...digits.map((name) => ({ name, bytes: readFileSync(path.join(sampleDir, name)) })),
    { name: 'notes.png', bytes: Buffer.from('this is not an image\n') },
  ]);
  await expect(bt.getByTestId('batch-input')).toContainText('6 files');
  await bt.getByLabel('Model').selectOption({ label: 'tiny digits' });
  await bt.getByLabel('Naming').fill('-ls');
  const outDir = await bt.getByLabel('Output folder').inputValue();
  expect(outDir).toMatch(/-latent$/);
  await bt.getByRole('button', { name: 'Start compress' }).click();
  await expect(bt.getByTestId('batch-summary')).toContainText('5 written', { timeout: 60_000 });
  await expect(bt.getByTestId('batch-summary')).toContainText('1 failed');
  await expect(bt.getByRole('region', { name: 'Errors' })).toContainText('notes.png');
  const written = filesUnder(outDir)
    .map((f) => path.basename(f))
    .sort();
  expect(written).toEqual(digits.map((d) => d.replace('.png', '-ls.latent')).sort());
  await bt.getByRole('button', { name: 'Open output folder' }).click();
  await expect(bt.getByRole('region', { name: 'Output folder' })).toContainText(written[0]!);
  await expect(bt.getByRole('table').last()).toContainText('compress');
  await shot(page, 'newcomer-batch');

  // 6. Another studio process on the same home (as after a restart) lists the batch job.
  const again = await startStudioServer(studioServer.home);
  try {
    await page.goto(`${again.launchUrl}#/batch`);
    const jobs = page.getByRole('main', { name: 'Batch' }).getByRole('table').last();
    await expect(jobs.getByRole('row').nth(1)).toContainText(/compress\s*done\s*6 \/ 6 · 1 failed/);
    await jobs.getByRole('link', { name: 'Show' }).first().click();
    await expect(page.getByTestId('batch-summary')).toContainText('5 written');
  } finally {
    // Off its pages first: a page left open on a stopped studio logs refused connections.
    await page.goto('about:blank');
    await stopStudioServer(again.proc);
  }

  expect(errors).toEqual([]);
});
