#!/usr/bin/env node
// Compiles better-sqlite3 for Electron's ABI into .electron-native/ (a copy of the package),
// leaving node_modules/better-sqlite3 built for Node so tests, CLI and serve keep working.
// The shell points better-sqlite3 at the result through its nativeBinding option.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const out = path.join(root, '.electron-native');
const stamp = path.join(out, 'stamp.json');
const sqliteVersion = require('better-sqlite3/package.json').version;
const want = JSON.stringify({ electronVersion, sqliteVersion });

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(path.join(out, 'better_sqlite3.node'))) process.exit(0);

const work = path.join(out, 'build-better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(path.dirname(require.resolve('better-sqlite3/package.json')), work, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) });
console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}...`);
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], {
  cwd: work,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: '' },
});
if (r.status !== 0) {
  console.error('latent-studio: could not build better-sqlite3 for Electron (it needs Electron headers from the internet and a C++ toolchain)');
  process.exit(1);
}
copyFileSync(path.join(work, 'build/Release/better_sqlite3.node'), path.join(out, 'better_sqlite3.node'));
rmSync(work, { recursive: true, force: true });
writeFileSync(stamp, want);
