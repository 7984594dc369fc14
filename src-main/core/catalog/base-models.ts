// Registers the built-in base models (resources/models/<id>/, docs/base-models.md) in a catalog:
// read-only records (builtin = 1) whose folder is the shipped one. Runs each time a studio opens its
// catalog, so a fresh home has them from the first start and a moved install is followed. The
// card names the weights hash the loader recomputes (a test checks every shipped base).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from './catalog.js';
import type { ModelArch } from './types.js';

/** resources/<this> holds one folder per base model. */
export const BASE_MODELS_REL = 'models';

interface BaseCard {
  id: string;
  name: string;
  arch: ModelArch;
  weightsHash: string;
  createdAt?: string;
}

function readBaseCard(dir: string): (BaseCard & Record<string, unknown>) | null {
  try {
    const card = JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8')) as BaseCard & Record<string, unknown>;
    const ok =
      typeof card.id === 'string' &&
      typeof card.name === 'string' &&
      typeof card.arch === 'string' &&
      /^[0-9a-f]{64}$/.test(String(card.weightsHash));
    return ok ? card : null;
  } catch {
    return null;
  }
}

/**
 * Adds missing base models and brings moved or re-shipped ones up to date (a new version of a base
 * should take a new id, so files made with the old one keep naming weights nobody has overwritten);
 * returns the ids registered now.
 */
export function syncBaseModels(catalog: Catalog, dir: string | null): string[] {
  if (!dir || !existsSync(dir)) return [];
  const added: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(dir, entry.name);
    const card = readBaseCard(folder);
    if (!card) continue;
    const existing = catalog.models.get(card.id);
    if (!existing) {
      catalog.models.add({
        id: card.id,
        name: card.name,
        datasetId: null,
        arch: card.arch,
        dir: folder,
        weightsHash: card.weightsHash,
        card,
        builtin: true,
        ...(card.createdAt ? { createdAt: card.createdAt } : {}),
      });
      added.push(card.id);
    } else if (existing.builtin && (existing.dir !== folder || existing.weightsHash !== card.weightsHash)) {
      catalog.models.refreshBuiltin(card.id, folder, card.weightsHash, card);
    }
  }
  return added;
}
