#!/usr/bin/env node
// `npm start`: the Electron app where the Electron binary exists; otherwise one line saying so,
// then the browser studio (serve) on the same core, printing and opening its one-time launch link.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dev = args.includes('--dev');
const verbose = args.includes('--verbose');
const passThrough = args.filter((a) => a !== '--dev' && a !== '--verbose');
// The build's chunk tables are for developers: `npm start -- --verbose` shows them.
const buildArgs = ['build', ...(verbose ? [] : ['--logLevel', 'warn'])];

function electronBinary() {
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const viteBin = path.join(root, 'node_modules/electron-vite/bin/electron-vite.js');
const binary = electronBinary();

if (binary) {
  // better-sqlite3 for Electron's ABI, built beside (not over) the Node build.
  run(process.execPath, [path.join(root, 'scripts/rebuild-electron.js')]);
  if (dev) run(process.execPath, [viteBin, 'dev', '--', ...passThrough]);
  else {
    run(process.execPath, [viteBin, ...buildArgs]);
    run(binary, [path.join(root, 'out/main/index.js'), ...passThrough]);
  }
} else {
  console.log(
    'Electron is not installed here (its binary downloads on first use, which failed or was not possible); starting the browser studio instead.',
  );
  if (!existsSync(path.join(root, 'out/renderer/index.html')) || dev) {
    console.log('Building the studio (about a minute the first time)…');
    run(process.execPath, [viteBin, ...buildArgs]);
  }
  const child = spawn(process.execPath, [path.join(root, 'bin/latent-studio.js'), ...passThrough, 'serve'], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
