// End-to-end tests: the renderer in Chromium through `latent-studio serve` (test/e2e/fixtures.ts
// starts one server per worker on a fresh home). Electron tests skip where the binary is absent.
import { defineConfig } from '@playwright/test';
import { chromiumExecutable } from './test/e2e/chromium.ts';

const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/artifacts',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 840 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      // This machine's network is closed: keep Chromium from reaching out at start.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
