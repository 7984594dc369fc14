// The photo path as a user walks it, in Chromium through the served studio: import a folder of
// landscape photos, train the model the data selects (a short budget), reload during training and
// see it live again, read its verdict, compare one photo (never a stale frame under another
// model's name), evaluate and read the chart, then batch-compress the folder and decompress the
// result into a new folder. A screenshot of every step goes to test-results/.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { clippedText, WINDOW_SIZES } from './layout.ts';

const LANDSCAPES = path.resolve(import.meta.dirname, '../fixtures/landscapes-small');

/** The catalog's split rule (src-main/core/catalog/split.ts: 80/10/10 on the hash's first 32 bits). */
function splitForHash(hex: string): 'train' | 'val' | 'test' {
  const x = Number.parseInt(hex.slice(0, 8), 16) / 2 ** 32;
  return x < 0.8 ? 'train' : x < 0.9 ? 'val' : 'test';
}

/**
 * Photos cut from the fixture landscapes (real pixels, 160x80 crops at several offsets, flipped
 * or not) until the hash-decided split holds at least two validation and two test photos.
 */
async function makePhotos(dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const sources = readdirSync(LANDSCAPES).filter((f) => f.endsWith('.jpg'));
  const count = { train: 0, val: 0, test: 0 };
  let n = 0;
  for (let variant = 0; variant < 12 && (count.val < 2 || count.test < 2 || n < 16); variant++) {
    for (const f of sources) {
      let img = sharp(path.join(LANDSCAPES, f)).extract({
        left: (variant % 4) * 6,
        top: Math.floor(variant / 4) * 4,
        width: 160,
        height: 80,
      });
      if (variant % 2 === 1) img = img.flop();
      const bytes = await img.png().toBuffer();
      // Names as long as a camera's or a photographer's: cards must show them whole.
      writeFileSync(path.join(dir, `endless-sky-${path.basename(f, '.jpg')}-crop-${variant}.png`), bytes);
      count[splitForHash(createHash('sha256').update(bytes).digest('hex'))]++;
      n++;
    }
  }
  expect(count.val, 'validation photos').toBeGreaterThanOrEqual(2);
  expect(count.test, 'test photos').toBeGreaterThanOrEqual(2);
  return n;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/photo-path-${name}.png`, fullPage: true });
const nav = (page: Page, view: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true }).click();

test('import, train, reload, verdict, compare, evaluate, batch-compress and decompress photos', async ({ page, studioServer }) => {
  test.setTimeout(420_000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-photos-'));
  try {
    const photos = path.join(tmp, 'landscapes');
    const n = await makePhotos(photos);

    // 1. Import the folder (the browser uploads it).
    await page.goto(`${studioServer.launchUrl}#/import`);
    const imp = page.getByRole('main', { name: 'Import' });
    await imp.locator('input[webkitdirectory]').setInputFiles(photos);
    await expect(imp.getByText(`${n} files ready`)).toBeVisible();
    await imp.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(imp.getByText(new RegExp(`^Done: ${n} added`))).toBeVisible({ timeout: 60_000 });
    await shot(page, '1-import');
    // The studio machine's folder browser counts the images a folder holds (never just "No
    // sub-folders") and opens again where the last folder was chosen.
    await imp.getByRole('button', { name: 'Browse the studio machine…' }).click();
    const browser = page.getByRole('dialog', { name: /A folder of images to import/ });
    await browser.getByLabel('Folder path').fill(photos);
    await browser.getByRole('button', { name: 'Go', exact: true }).click();
    await expect(browser.getByTestId('folder-files')).toHaveText(new RegExp(`^${n} images here: endless-sky-`));
    await expect(
      browser
        .getByRole('list', { name: 'Folder contents' })
        .getByRole('listitem')
        .filter({ hasText: /\.png$/ }),
    ).toHaveCount(n);
    await shot(page, '1b-folder-browser');
    await browser.getByRole('button', { name: 'Choose this folder' }).click();
    await expect(imp.getByText('1 item ready (landscapes)')).toBeVisible();
    await imp.getByRole('button', { name: 'Discard' }).click();
    await imp.getByRole('button', { name: 'Browse the studio machine…' }).click();
    await expect(browser.getByLabel('Folder path')).toHaveValue(photos);
    await browser.getByRole('button', { name: 'Cancel', exact: true }).click();

    // 2. Train what the data selects: the photo family, from the photo base, with its estimates.
    await imp.getByRole('link', { name: 'Train a model on it →' }).click();
    const train = page.getByRole('main', { name: 'Train' });
    await expect(train.getByLabel('Dataset')).toHaveValue('landscapes');
    await expect(train.getByRole('radio', { name: /^Mean-scale hyperprior/ })).toBeChecked();
    await expect(train.getByTestId('start-choice').getByRole('radio', { name: /Start from the built-in base model/ })).toBeChecked();
    await expect(train.getByTestId('file-estimate')).toContainText('from the curve of');
    await train.getByRole('spinbutton', { name: 'Time budget' }).fill('0.3');
    await expect(train.getByTestId('time-estimate')).toContainText('22 s');
    await shot(page, '2-train-form');
    await train.getByRole('button', { name: 'Start training' }).click();
    await expect(train.getByText('Training progress')).toBeVisible();
    // The bar moves within the first epoch (steps and the budget's clock), with an ETA.
    const bar = train.getByRole('progressbar', { name: 'Training progress' });
    const epochNow = train.locator('.stats strong').first();
    await expect
      .poll(
        async () => {
          const moved = Number((await bar.getAttribute('aria-valuenow')) ?? 0) > 0;
          const epoch = await epochNow.textContent();
          return moved ? (epoch === '0' ? 'moved in epoch 0' : `first moved in epoch ${epoch}`) : 'not yet';
        },
        { timeout: 60_000 },
      )
      .toBe('moved in epoch 0');
    await expect(train.getByText(/of 18 s budget · ETA (<1|\d+) s/)).toBeVisible();
    await shot(page, '2b-training-epoch-0');

    // 3. Reload while it trains: the view finds the job and follows it live.
    await page.reload();
    await page.goto(`${studioServer.url}#/train`);
    await expect(page.getByTestId('train-reattached')).toBeVisible();
    await shot(page, '3-reattached');

    // 4. It ends, is measured against JPEG, WebP and AVIF, and the verdict is shown in words.
    const verdict = page.getByTestId('verdict');
    await expect(verdict).toBeVisible({ timeout: 180_000 });
    for (const codec of ['JPEG', 'WebP', 'AVIF']) await expect(verdict).toContainText(codec);
    await shot(page, '4-verdict');

    // 5. Compare one photo; switching models never shows the old frame under the new name.
    await page.getByRole('link', { name: 'Compare', exact: true }).first().click();
    const cmp = page.getByRole('main', { name: 'Compare' });
    const title = cmp.getByText(/ · 160×80 · original .* at quality 75$/);
    await expect(title).toContainText('landscapes', { timeout: 120_000 });
    await expect(cmp.getByTestId('verdict')).toBeVisible();
    await shot(page, '5-compare');
    // Another quality: the steps are shown as they run, then the new result replaces the old.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { compareSteps: string[] }).compareSteps = seen;
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid="compare-progress"]')?.textContent?.trim();
        if (t && seen.at(-1) !== t) seen.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await cmp.getByLabel('Latent quality').fill('40');
    // A picture of the steps while they run, when this machine is slow enough to catch one.
    await cmp
      .getByTestId('compare-progress')
      .waitFor({ timeout: 3000 })
      .then(() => shot(page, '5b-compare-progress'))
      .catch(() => {});
    await expect(cmp.getByText(/ · 160×80 · original .* at quality 40$/)).toBeVisible({ timeout: 120_000 });
    const steps = await page.evaluate(() => (window as unknown as { compareSteps: string[] }).compareSteps.join(' | '));
    expect(steps).toMatch(/Encoding with the model at quality 40/);
    expect(steps).toMatch(/AVIF closest to \d+(\.\d)? (B|KB)/);
    await cmp.getByLabel('Latent quality').fill('75');
    await expect(title).toBeVisible({ timeout: 60_000 });
    await cmp.getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Base · photos (hyperprior) (built-in base)' });
    await expect(cmp.getByText(/landscapes hyperprior at quality/)).toHaveCount(0);
    await expect(cmp.getByText(/Base · photos \(hyperprior\) at quality 75$/)).toBeVisible({ timeout: 120_000 });

    // 6. Evaluate on the test photos and read the chart: log axis, verdict, BD table in words, data table.
    await nav(page, 'Charts');
    const charts = page.getByRole('main', { name: 'Charts' });
    await charts.getByRole('combobox', { name: 'Model' }).selectOption({ label: 'landscapes hyperprior (landscapes)' });
    await charts.getByRole('button', { name: 'Run evaluation' }).click();
    await expect(charts.getByText('test images of landscapes').first()).toBeVisible({ timeout: 180_000 });
    await expect(charts.getByLabel('Log bpp axis')).toBeChecked();
    await expect(charts.getByTestId('verdict').first()).toBeVisible();
    await expect(charts.getByText(/bytes than JPEG at equal quality|dB (better|worse) than JPEG at equal size/).first()).toBeVisible();
    await charts.getByText(/The same data as a table/).click();
    await expect(charts.getByRole('table', { name: /Rate-distortion points/ })).toBeVisible();
    await shot(page, '6-charts');

    // 7. Compress the folder with the model, then decompress the latent files into a new folder.
    await nav(page, 'Batch');
    const batch = page.getByRole('main', { name: 'Batch' });
    await batch.locator('input[webkitdirectory]').setInputFiles(photos);
    await expect(batch.getByTestId('batch-input')).toContainText('landscapes');
    // An uploaded folder is named as the user knows it, never by the studio's copy under its home.
    await expect(batch.getByTestId('batch-input')).not.toContainText('uploads');
    const latentDir = path.join(tmp, 'out-latent');
    await batch.getByLabel('Output folder').fill(latentDir);
    await batch.getByRole('button', { name: 'Start compress' }).click();
    await expect(batch.getByTestId('batch-summary')).toContainText(`Finished: ${n} written`, { timeout: 180_000 });
    // Sizes and the ratio in the units the CLI prints too (core/system/units.ts).
    await expect(batch.getByTestId('batch-summary')).toContainText(/\d (B|KB|MB) → [\d.]+ (B|KB|MB) \(\d+(\.\d)?:1\)/);
    await shot(page, '7-batch-compress');
    expect(readdirSync(latentDir).filter((f) => f.endsWith('.latent'))).toHaveLength(n);

    await batch.getByLabel('Decompress .latent files').check();
    await batch.locator('input[webkitdirectory]').setInputFiles(latentDir);
    await expect(batch.getByTestId('batch-input')).toContainText('out-latent');
    // A new input and task: the output folder moves with them instead of staying the compress one.
    await expect(batch.getByLabel('Output folder')).not.toHaveValue(latentDir);
    await expect(batch.getByText('photo.latent → photo.png')).toBeVisible();
    const decoded = path.join(tmp, 'out-decoded');
    await batch.getByLabel('Output folder').fill(decoded);
    await batch.getByRole('button', { name: 'Start decompress' }).click();
    const summary = batch.getByTestId('batch-summary');
    await expect(summary).toContainText(`Finished: ${n} written`, { timeout: 180_000 });
    await expect(summary).not.toContainText(':1)');
    await shot(page, '8-batch-decompress');
    const png = readdirSync(decoded).find((f) => f.endsWith('.png'))!;
    const meta = await sharp(readFileSync(path.join(decoded, png))).metadata();
    expect([meta.width, meta.height]).toEqual([160, 80]);

    // 8. The Library lists the latent files with the PSNR the batch measured; the status bar names the backend.
    await nav(page, 'Library');
    const latents = page.getByRole('region', { name: 'Latent files' });
    await expect(latents.getByRole('cell', { name: /^\d+\.\d dB$/ }).first()).toBeVisible();
    await expect(page.getByTestId('backend')).toHaveText(
      /^backend: (native TensorFlow|WebAssembly \(.+\)|plain JavaScript \(.+\))( · coding: onnxruntime)?$/,
    );

    // 9. Every view at two common window sizes: no card cuts its text off.
    const clipped: string[] = [];
    for (const size of WINDOW_SIZES) {
      await page.setViewportSize(size);
      for (const view of ['Library', 'Import', 'Train', 'Compare', 'Charts', 'Batch']) {
        await nav(page, view);
        const main = page.getByRole('main', { name: view });
        await expect(main).toBeVisible();
        if (view === 'Compare') await expect(main.getByRole('table')).toBeVisible({ timeout: 120_000 });
        if (view === 'Charts') await expect(main.getByRole('figure').first()).toBeVisible({ timeout: 60_000 });
        if (view === 'Library') await expect(main.getByRole('table').first()).toBeVisible();
        if (view === 'Import')
          await expect(main.getByRole('list', { name: 'Images of landscapes' }).getByRole('listitem').first()).toBeVisible();
        if (view === 'Train') await expect(main.getByTestId('file-estimate')).toBeVisible();
        await page.screenshot({ path: `test-results/photo-path-layout-${view.toLowerCase()}-${size.width}.png`, fullPage: true });
        for (const c of await clippedText(page)) clipped.push(`${view} at ${size.width}x${size.height}: ${c}`);
        // No project jargon, and sizes in the one unit spelling (KB, as the CLI prints them).
        expect(await main.innerText(), view).not.toMatch(/[Ss]andwich|[Tt]he seed's|\d kB\b/);
      }
    }
    expect(clipped).toEqual([]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
