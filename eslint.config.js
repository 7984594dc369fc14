// Lint rules: TypeScript and Svelte recommended sets, plus the architecture rule that the core
// (and everything that runs in plain Node) never imports 'electron'.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const noElectron = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'electron', message: 'core, CLI and server run in plain Node: only src-main/shell and src-main/preload may import electron.' }],
    },
  ],
};

export default ts.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', '.electron-native/', 'resources/sample/', '.tmp/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // `import { type A }` still loads its module (verbatimModuleSyntax): the layer check lets only
      // `import type` statements reach up to core/api.ts and core/context.ts (.dependency-cruiser.cjs).
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/server/**/*.ts', 'scripts/**/*.ts', 'bin/**/*.js'],
    rules: noElectron,
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte', 'src-renderer/**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig },
    },
    rules: {
      ...noElectron,
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'the renderer talks only to window.studio' }], paths: [{ name: 'electron', message: 'the renderer talks only to window.studio' }] }],
    },
  },
);
