// The Train view's "Train on <host>", in Chromium through the served studio: a second
// `latent-studio serve --host 127.0.0.1 --token-file F` process is the training host. The host is
// saved in the view's training host form (the token never shown back), a tiny training runs there
// through its phases (checking, uploading, training, fetching), a reload mid-training re-attaches
// to it, the model comes back into the Library with its verdict measured here, and a second
// training on the host (nothing left to send) is cancelled with confirmation.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callContract, expect, test } from './fixtures.ts';
import { clippedText, WINDOW_SIZES } from './layout.ts';

const root = path.resolve(import.meta.dirname, '../..');
const DIGITS = path.join(root, 'test/fixtures/digits');
/** The contract's REMOTE_TRAIN_JOB_KIND (the e2e project does not compile the core's sources). */
const REMOTE_TRAIN_JOB_KIND = 'train.remote';
const TOKEN = 'e2e-host-token-0123456789-never-on-the-page';

/** The training host: `serve` as its own process on a free loopback port, with a token file. */
async function startHost(home: string, tokenFile: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    [
      path.join(root, 'bin/latent-studio.js'),
      '--home',
      home,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--no-open',
      '--token-file',
      tokenFile,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the host did not print its launch link within 30 s: ${stderr}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?launch=/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.once('exit', (code) => reject(new Error(`the host exited with ${code}: ${stderr}`)));
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

test('train on the training host: settings, phases, a reload re-attaches, the model in the Library, cancel', async ({
  page,
  studioServer,
}) => {
  test.setTimeout(240_000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-host-'));
  let host: ChildProcess | undefined;
  try {
    const tokenFile = path.join(tmp, 'host.token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    chmodSync(tokenFile, 0o600);
    const hostHome = path.join(tmp, 'host-home');
    const started = await startHost(hostHome, tokenFile);
    host = started.proc;
    const hostUrl = started.url;
    const hostName = hostUrl.slice('http://'.length);

    // A tiny dataset: 12 digits.
    const images = path.join(tmp, 'digits');
    mkdirSync(images);
    for (const f of readdirSync(DIGITS)
      .filter((n) => n.endsWith('.png'))
      .sort()
      .slice(0, 12))
      writeFileSync(path.join(images, f), readFileSync(path.join(DIGITS, f)));

    // The host phases and their progress lines as the page showed them, kept across the reload.
    await page.addInitScript(() => {
      const keep = (key: string, value: string | undefined) => {
        const seen = JSON.parse(sessionStorage.getItem(key) ?? '[]') as string[];
        if (value && seen.at(-1) !== value) sessionStorage.setItem(key, JSON.stringify([...seen, value]));
      };
      new MutationObserver(() => {
        keep('phases', document.querySelector('[data-testid="host-phases"] [aria-current="step"]')?.textContent?.trim());
        keep('details', document.querySelector('[data-testid="host-phases"] [role="progressbar"]')?.parentElement?.textContent?.trim());
      }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.goto(studioServer.launchUrl);
    await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();
    const imp = await callContract<{ jobId: number }>(page, 'importPaths', { paths: [images], dataset: 'digits' });
    expect(await callContract(page, 'awaitJob', { jobId: imp.jobId })).toMatchObject({ kind: 'import', state: 'done' });

    await page.goto(`${studioServer.url}#/train`);
    const train = page.getByRole('main', { name: 'Train' });
    await expect(train.getByLabel('Dataset')).toHaveValue('digits');
    // No host saved: no option to train there.
    await expect(train.getByLabel(/^Train on /)).toHaveCount(0);
    await train.getByRole('button', { name: 'Training host…' }).click();
    const form = train.getByRole('form', { name: 'Training host settings' });
    await expect(form.getByTestId('host-shown')).toContainText('No training host saved');
    // The form's own words for what the contract refuses: a short token, an address that is not one.
    await form.getByLabel('Training host', { exact: true }).fill(hostUrl);
    await form.getByLabel('Token').fill('short');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toContainText('The token has at least 16 characters');
    await form.getByLabel('Training host', { exact: true }).fill('127.0.0.1:7000');
    await form.getByLabel('Token').fill(TOKEN);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toContainText('The address is http://HOST:PORT');
    // ...and the core's: a new address without its token.
    await form.getByLabel('Training host', { exact: true }).fill(hostUrl);
    await form.getByLabel('Token').fill(TOKEN);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByTestId('host-shown')).toContainText(`Saved: ${hostUrl}, token set.`);
    await expect(form.getByLabel('Token')).toHaveValue('');
    await expect(form.getByLabel('Token')).toHaveAttribute('placeholder', 'set (type a new one to replace it)');
    await form.getByLabel('Training host', { exact: true }).fill(`${hostUrl}/other`);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toContainText(`training host ${hostUrl}/other: give its token`);
    await form.getByLabel('Training host', { exact: true }).fill(hostUrl);
    await page.screenshot({ path: 'test-results/train-on-host-settings.png', fullPage: true });

    // A token the host refuses: the training fails at once, in the core's one line.
    await form.getByLabel('Token').fill('a-wrong-token-of-enough-length');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByLabel('Token')).toHaveValue('');
    const onHost = train.getByLabel(`Train on ${hostName}`);
    await onHost.check();
    await train.getByRole('button', { name: `Start training on ${hostName}` }).click();
    await expect(train.getByRole('alert')).toHaveText(
      `training host ${hostUrl}: refused the token (check the token saved for it in the settings)`,
    );
    await expect(train.getByText('failed', { exact: true })).toBeVisible();
    await expect(train.getByTestId('host-phase')).toHaveText(`Stopped while checking on ${hostName}.`);
    await page.screenshot({ path: 'test-results/train-on-host-refused.png', fullPage: true });
    await form.getByLabel('Token').fill(TOKEN);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByLabel('Token')).toHaveValue('');

    // Train there: a tiny training (a 15-second budget).
    await train.getByRole('spinbutton', { name: 'Time budget' }).fill('0.25');
    await train.getByLabel('Name').fill('host digits');
    // The records start with this training (the refused one above showed its check).
    await page.evaluate(() => ['phases', 'details'].forEach((k) => sessionStorage.removeItem(k)));
    await train.getByRole('button', { name: `Start training on ${hostName}` }).click();
    const phases = train.getByTestId('host-phases');
    await expect(phases).toBeVisible();
    // All 12 images went up (the host lacked them all), then the host trains.
    await expect(train.getByTestId('host-phase')).toContainText(/Training on .*\(12 images sent, [\d.]+ [KM]?B\)/, {
      timeout: 60_000,
    });
    await expect(phases.getByRole('listitem').filter({ hasText: 'training' })).toHaveAttribute('aria-current', 'step');
    await page.screenshot({ path: 'test-results/train-on-host-training.png', fullPage: true });

    // A reload mid-training: the view finds the job on the host and follows it.
    const jobs = await callContract<{ jobs: { id: number; kind: string; state: string }[] }>(page, 'listJobs', {
      kind: REMOTE_TRAIN_JOB_KIND,
    });
    const running = jobs.jobs.filter((j) => j.state === 'running');
    expect(running).toHaveLength(1);
    await page.reload();
    const note = train.getByTestId('train-reattached');
    await expect(note).toContainText(`job ${running[0]!.id} on “digits” on the training host ${hostUrl}`);
    await expect(train.getByLabel(`Train on ${hostName}`)).toBeChecked();
    await expect(phases).toBeVisible();
    await expect(train.getByRole('progressbar', { name: 'Training progress' })).toHaveAttribute('aria-valuenow', /\d+/, {
      timeout: 60_000,
    });
    await page.screenshot({ path: 'test-results/train-on-host-reattached.png', fullPage: true });

    // It ends here: the model came back, and its verdict is measured as after a local training.
    await expect(train.getByRole('status').filter({ hasText: 'Trained “host digits”' })).toBeVisible({ timeout: 150_000 });
    await expect(train.getByTestId('host-phase')).toContainText(`Trained on ${hostName}`);
    const verdict = train.getByTestId('verdict');
    await expect(verdict).toBeVisible({ timeout: 150_000 });
    for (const codec of ['JPEG', 'WebP', 'AVIF']) await expect(verdict).toContainText(codec);
    await page.screenshot({ path: 'test-results/train-on-host-done.png', fullPage: true });
    const seen = JSON.parse((await page.evaluate(() => sessionStorage.getItem('phases'))) ?? '[]') as string[];
    // The check can be over before the start call answers (its report then waits for the job id,
    // and the page first shows the uploads); every later phase is shown.
    expect([
      ['checking', 'uploading', 'training', 'fetching'],
      ['uploading', 'training', 'fetching'],
    ]).toContainEqual(seen);
    // Checking N/M, then uploading N/M with the bytes so far, up to all 12.
    const details = JSON.parse((await page.evaluate(() => sessionStorage.getItem('details'))) ?? '[]') as string[];
    if (seen[0] === 'checking') expect(details[0]).toMatch(/^Checking which images 127\.0\.0\.1:\d+ lacks\s*checking 0 \/ 12 images$/);
    expect(details).toContainEqual(
      expect.stringMatching(/^Uploading images to 127\.0\.0\.1:\d+\s*uploading 12 \/ 12 · [\d.]+ KB( · ETA .+)?$/),
    );
    expect(details.at(-1)).toMatch(/^Fetching the model from 127\.0\.0\.1:\d+\s*fetching$/);
    // The images went to the host once, by content.
    expect(readdirSync(path.join(hostHome, 'training-host', 'blobs')).filter((f) => /^[0-9a-f]{64}$/.test(f))).toHaveLength(12);

    // The view cuts no text at the usual window sizes.
    for (const size of WINDOW_SIZES) {
      await page.setViewportSize(size);
      expect(await clippedText(page), `${size.width}x${size.height}`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 840 });

    // In the Library like a local model, with its verdict.
    await page.goto(`${studioServer.url}#/library`);
    const mine = page.getByRole('rowgroup', { name: 'Your models' }).getByRole('row').filter({ hasText: 'host digits' });
    await expect(mine).toBeVisible();
    await expect(mine).toContainText(/beats|behind|not comparable/);
    await page.screenshot({ path: 'test-results/train-on-host-library.png', fullPage: true });

    // A second training of the same dataset there sends nothing; cancelled with confirmation, it stops.
    await page.goto(`${studioServer.url}#/train`);
    await expect(train.getByLabel(`Train on ${hostName}`)).toBeVisible();
    await train.getByLabel(`Train on ${hostName}`).check();
    await train.getByRole('spinbutton', { name: 'Time budget' }).fill('2');
    await train.getByLabel('Name').fill('host digits 2');
    await train.getByRole('button', { name: `Start training on ${hostName}` }).click();
    await expect(phases.getByRole('listitem').filter({ hasText: 'training' })).toHaveAttribute('aria-current', 'step', { timeout: 60_000 });
    await expect(train.getByTestId('host-phase')).toContainText(`Training on ${hostName} (all 12 images were there already)`);
    await train.getByRole('button', { name: 'Cancel…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this training?' });
    await expect(dialog).toContainText(`The training on ${hostUrl} stops there`);
    await page.screenshot({ path: 'test-results/train-on-host-cancel.png', fullPage: true });
    await dialog.getByRole('button', { name: 'Cancel the training' }).click();
    await expect(train.getByText('Training cancelled')).toBeVisible({ timeout: 60_000 });
    const after = await callContract<{ jobs: { state: string }[] }>(page, 'listJobs', { kind: REMOTE_TRAIN_JOB_KIND });
    expect(after.jobs.map((j) => j.state).sort()).toEqual(['cancelled', 'done', 'failed']);

    // The token stayed out of the page.
    expect(await page.content()).not.toContain(TOKEN);
  } finally {
    if (host && host.exitCode === null) {
      const exited = new Promise((r) => host!.once('exit', r));
      host.kill('SIGTERM');
      await exited;
    }
    rmSync(tmp, { recursive: true, force: true });
  }
});
