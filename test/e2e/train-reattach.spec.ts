// A training goes on when the page reloads: the Train view finds the running job and follows it
// live, and when it ends the model is measured against JPEG, WebP and AVIF on its validation
// images and the verdict is shown (on the Train view and on the model's card in the Library).
import path from 'node:path';
import { callContract, expect, test } from './fixtures.ts';

const DIGITS = path.resolve(import.meta.dirname, '../fixtures/digits');

test('a reload during training re-attaches to it, and the finished model gets a verdict', async ({ page, studioServer }) => {
  await page.goto(studioServer.launchUrl);
  await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();
  // Start the training through the contract (as a previous page would have), then reload.
  const imp = await callContract<{ jobId: number }>(page, 'importPaths', { paths: [DIGITS], dataset: 'digits' });
  expect(await callContract(page, 'awaitJob', { jobId: imp.jobId })).toMatchObject({ kind: 'import', state: 'done' });
  const train = { dataset: 'digits', arch: 'dense-prior', minutes: 0.4, codeSize: 16, layers: [64], seed: 3 };
  const { jobId } = await callContract<{ jobId: number }>(page, 'trainModel', train);

  await page.reload();
  await page.goto(`${studioServer.url}#/train`);
  const note = page.getByTestId('train-reattached');
  await expect(note).toBeVisible();
  await expect(note).toContainText(`job ${jobId}`);
  await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue('digits');
  await page.screenshot({ path: 'test-results/train-reattached.png' });

  // The job ends in this page's view, then the verdict measurement runs and is shown in words.
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toBeVisible({ timeout: 150_000 });
  // Each classical codec is named with where the model stands against it.
  for (const codec of ['JPEG', 'WebP', 'AVIF']) await expect(verdict).toContainText(codec);
  await expect(page.getByTestId('verdict-summary')).not.toBeEmpty();
  await page.screenshot({ path: 'test-results/train-verdict.png' });

  // The verdict is kept with the model: the Library's table and card show it.
  await page.goto(`${studioServer.url}#/library`);
  const row = page
    .getByRole('row')
    .filter({ hasText: 'digits' })
    .filter({ hasText: /beats|behind|not comparable/ });
  await expect(row.first()).toBeVisible();
});
