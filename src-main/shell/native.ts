// Finds better-sqlite3 compiled for Electron's ABI (made by scripts/rebuild-electron.js into
// .electron-native/, so the Node build used by tests, CLI and serve is never replaced).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function nativeBindingForElectron(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../.electron-native/better_sqlite3.node'),
    // Packaged app: electron-builder rebuilds node_modules for Electron itself.
    path.resolve(process.resourcesPath ?? '', 'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
  ];
  return candidates.find((c) => existsSync(c));
}
