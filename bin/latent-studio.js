#!/usr/bin/env node
// CLI entry: runs the TypeScript sources through tsx (no build step needed for CLI or serve).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
