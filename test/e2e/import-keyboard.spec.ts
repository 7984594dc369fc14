// Import through the page's folder picker (the browser uploads the folder), with unreadable files
// listed with their reasons and a thumbnail grid; the studio works from the keyboard and follows
// the system's dark theme.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures.ts';

const root = path.resolve(import.meta.dirname, '../..');
const sampleDir = path.join(root, 'resources/sample/digits');

test('imports an uploaded folder, lists unreadable files with reasons, shows thumbnails', async ({ page, studioServer }) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-import-'));
  const shoot = path.join(tmp, 'shoot');
  mkdirSync(path.join(shoot, 'day2'), { recursive: true });
  for (const name of ['digit-3-00.png', 'digit-3-01.png']) copyFileSync(path.join(sampleDir, name), path.join(shoot, name));
  copyFileSync(path.join(sampleDir, 'digit-5-00.png'), path.join(shoot, 'day2', 'digit-5-00.png'));
  writeFileSync(path.join(shoot, 'empty.png'), '');
  writeFileSync(path.join(shoot, 'day2', 'readme.jpg'), 'not a jpeg at all\n');
  writeFileSync(path.join(shoot, 'notes.txt'), 'a text file beside the photos\n');
  try {
    await page.goto(`${studioServer.launchUrl}#/import`);
    const main = page.getByRole('main', { name: 'Import' });
    await expect(main.getByText('Drop image files or folders anywhere on this window')).toBeVisible();
    await main.locator('input[webkitdirectory]').setInputFiles(shoot);
    await expect(main.getByText('6 files ready')).toBeVisible();
    // Named before the import starts: what will be left out, and why.
    await expect(main.getByTestId('left-out')).toHaveText(' · 1 of them is not an image and will be left out: notes.txt');
    await expect(main.getByLabel('Into dataset')).toHaveValue('shoot');
    await expect(main.getByRole('button', { name: 'Import', exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(main.getByText(/Done, with files left out: 3 added, 0 already in the dataset, 2 unreadable, of 5/)).toBeVisible({
      timeout: 30_000,
    });
    const failures = main.locator('table').filter({ hasText: 'Reason' });
    await expect(failures.getByRole('row')).toHaveCount(3);
    await expect(failures).toContainText('empty.png');
    await expect(failures).toContainText('readme.jpg');
    const grid = main.getByRole('list', { name: 'Images of shoot' });
    await expect(grid.getByRole('listitem')).toHaveCount(3);
    await expect(grid.getByRole('listitem').first()).toContainText('20×20');
    await expect(grid.locator('img').first()).toHaveAttribute('src', /^data:image\//);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: 'test-results/import.png', fullPage: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('works from the keyboard with a visible focus, and follows the dark theme', async ({ page, studioServer }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(studioServer.launchUrl);
  await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(22, 24, 29)');

  // Alt+<n> switches views; Tab reaches the navigation with a visible focus ring.
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('main', { name: 'Train' })).toBeVisible();
  await page.keyboard.press('Alt+6');
  await expect(page.getByRole('main', { name: 'Batch' })).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const focused = page.locator(':focus');
  await expect(focused).toHaveText('Library');
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
  expect(outline).toBe('solid 3px');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();
  // Empty states say what to do next.
  await expect(page.getByText('No datasets yet')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load the sample' })).toBeVisible();
  await page.screenshot({ path: 'test-results/library-dark.png', fullPage: true });
});
