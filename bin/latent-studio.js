#!/usr/bin/env node
// CLI entry: runs the TypeScript sources through tsx (no build step needed for CLI or serve).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
// Arguments that are not UTF-8 (file names are bytes) come back as their `\xHH` form, not U+FFFD.
const { argvWithBytes } = await import('../src-main/core/input/argv.ts');
process.exitCode = await main(argvWithBytes(process.argv.slice(2)));
