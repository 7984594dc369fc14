// The studio version, read once from package.json (one source of truth).
import { createRequire } from 'node:module';

const require_ = createRequire(import.meta.url);

function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require_(rel) as { name?: string; version?: string };
      if (pkg.name === 'latent-studio' && pkg.version) return pkg.version;
    } catch {
      // try the next layout (source tree vs bundled out/main)
    }
  }
  return '0.0.0';
}

export const APP_VERSION = readVersion();
