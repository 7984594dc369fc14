#!/usr/bin/env node
// Runs a TypeScript script (benchmarks, tools) with tsx: node bin/run-ts.js path/to/script.ts [args]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const script = process.argv[2];
if (!script) {
  console.error('usage: node bin/run-ts.js <script.ts> [args]');
  process.exit(1);
}
process.argv.splice(2, 1);
await import(pathToFileURL(path.resolve(script)).href);
