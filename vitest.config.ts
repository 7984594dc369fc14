import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

/**
 * The renderer's lib/studio.ts reaches the main process (window.studio or HTTP); its unit tests
 * construct each session with a FakeStudio instead, so the module is swapped for one whose client
 * refuses every call (a session built on the module's client by mistake fails loudly).
 */
function fakeStudioModule(): Plugin {
  const real = resolve(root, 'src-renderer/src/lib/studio.ts');
  const fake = resolve(root, 'test/renderer/studio-module.ts');
  return {
    name: 'latent-studio-fake-studio-module',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !/studio(\.ts)?$/.test(source)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === real ? fake : null;
    },
  };
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Training and codec tests are CPU-heavy; two cores here.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['test/core/**/*.test.ts', 'test/server/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/shell/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // The renderer's lib/ (Svelte 5 runes in .svelte.ts) against a FakeStudio built from the contract type.
        extends: true,
        plugins: [
          // The browser's runes (signals, accessors), not the server rendering's plain fields.
          svelte({ configFile: resolve(root, 'svelte.config.js'), dynamicCompileOptions: () => ({ generate: 'client' }) }),
          fakeStudioModule(),
        ],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
});
