// An image over the largest-image limit: the import reports it as the user's file, amber not
// green, and offers the limit where it was hit ("Largest image", set to what the image needs);
// importing it again with that limit brings it in, into the same dataset.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { expect, test } from './fixtures.ts';

const root = path.resolve(import.meta.dirname, '../..');
const sampleDir = path.join(root, 'resources/sample/digits');

test('an image over the pixel limit can be imported again with a higher "Largest image"', async ({ page, studioServer }) => {
  test.setTimeout(180_000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-limit-'));
  const shoot = path.join(tmp, 'panoramas');
  mkdirSync(shoot);
  copyFileSync(path.join(sampleDir, 'digit-3-00.png'), path.join(shoot, 'digit-3-00.png'));
  // 7000x6000 = 42 megapixels, over the default 40: a flat colour keeps the file small.
  await sharp({ create: { width: 7000, height: 6000, channels: 3, background: { r: 40, g: 90, b: 160 } } })
    .png()
    .toFile(path.join(shoot, 'huge-panorama.png'));
  try {
    await page.goto(`${studioServer.launchUrl}#/import`);
    const main = page.getByRole('main', { name: 'Import' });
    await main.locator('input[webkitdirectory]').setInputFiles(shoot);
    await expect(main.getByText('2 files ready')).toBeVisible();
    await expect(main.getByLabel('Into dataset')).toHaveValue('panoramas');
    await main.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(main.getByText(/Done, with files left out: 1 added, 0 already in the dataset, 1 unreadable, of 2/)).toBeVisible({
      timeout: 60_000,
    });
    const failures = main.locator('table').filter({ hasText: 'Reason' });
    await expect(failures).toContainText('huge-panorama.png');
    await expect(failures).toContainText('42.0 megapixels, over the limit of 40.0 megapixels');
    await expect(failures).toContainText('raise “Largest image” below and import it again');
    await expect(failures).not.toContainText('--max-pixels');
    await expect(failures).not.toContainText('uploads');

    const limit = main.getByTestId('pixel-limit');
    await expect(limit).toContainText('One image is larger than the largest image the studio decodes (the largest of them needs 42 megapixels).');
    await expect(limit.getByLabel('Largest image')).toHaveValue('42');
    await page.screenshot({ path: 'test-results/import-limit.png', fullPage: true });
    await limit.getByRole('button', { name: 'Import it again' }).click();
    await expect(main.getByText(/^Done: 1 added, 0 already in the dataset, 0 unreadable, of 1/)).toBeVisible({ timeout: 90_000 });
    await expect(main.getByTestId('pixel-limit')).toHaveCount(0);
    const grid = main.getByRole('list', { name: 'Images of panoramas' });
    await expect(grid.getByRole('listitem')).toHaveCount(2);
    await expect(grid).toContainText('7000×6000');
    await page.screenshot({ path: 'test-results/import-limit-done.png', fullPage: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
