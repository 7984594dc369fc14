// electron-vite builds three things: the main process (shell + core + worker entry), the
// sandboxed preload (CommonJS, everything bundled) and the Svelte renderer.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from './src-main/core/csp.ts';

const root = import.meta.dirname;

/** The same CSP as the Electron header and the server header, also as a meta tag in the page. */
function cspMeta(): Plugin {
  return {
    name: 'latent-studio-csp',
    transformIndexHtml: {
      order: 'post',
      handler: (html: string) =>
        html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`),
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Native and heavy modules (better-sqlite3, sharp, tfjs) stay in node_modules.
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'src-main/shell/main.ts'),
          'worker-entry': resolve(root, 'src-main/core/registry/worker-entry.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can only require 'electron': bundle the contract (and zod) into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') }), cspMeta()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
