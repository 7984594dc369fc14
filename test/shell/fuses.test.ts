// The packaged app's Electron fuses (electron-builder.yml, electronFuses): the binary cannot be
// turned into a general Node runtime, loads app code only from app.asar, and encrypts cookies.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** The `electronFuses:` block of the YAML file as key -> value (a flat map of booleans). */
function fuses(): Record<string, string> {
  const lines = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === 'electronFuses:');
  if (start < 0) return {};
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}(\w+):\s*(\S+)\s*$/.exec(line);
    if (!m) break;
    out[m[1]!] = m[2]!;
  }
  return out;
}

describe('electron fuses', () => {
  it('are set in electron-builder.yml', () => {
    expect(fuses()).toEqual({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
    });
  });

  it('are options this electron-builder knows', () => {
    const types = readFileSync(path.join(root, 'node_modules/app-builder-lib/out/configuration.d.ts'), 'utf8');
    expect(types).toContain('electronFuses?: FuseOptionsV1');
    for (const key of Object.keys(fuses())) expect(types, key).toMatch(new RegExp(`\\b${key}\\?: boolean`));
  });
});
