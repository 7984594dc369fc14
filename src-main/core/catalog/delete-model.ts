// Deleting a model: refused while latent files need it to decompress, unless forced. The model
// folder is removed only when it lies inside the studio's models folder (an imported record
// could point anywhere; the studio deletes only what it owns).
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DeleteModelResult, ModelDependents } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { Catalog } from './catalog.js';
import type { ModelRecord } from './types.js';

export function modelDependents(catalog: Catalog, model: ModelRecord): ModelDependents {
  return {
    latentFiles: catalog.latents.countForModel(model.id),
    latentExamples: catalog.latents.forModel(model.id, 5).map((l) => l.outputPath),
    evaluations: catalog.evaluations.forModel(model.id).length,
    trainingRuns: catalog.runs.forModel(model.id).length,
  };
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export async function deleteModel(
  catalog: Catalog,
  home: { modelsDir: string; tmpDir: string },
  model: ModelRecord,
  options: { dryRun?: boolean; force?: boolean } = {},
): Promise<DeleteModelResult> {
  if (model.builtin) throw new StudioError('conflict', `model ${model.id} (${model.name}) is a built-in base model and cannot be deleted`);
  const dependents = modelDependents(catalog, model);
  if (options.dryRun) return { model: model.id, deleted: false, dependents };
  if (dependents.latentFiles > 0 && !options.force) {
    throw new StudioError(
      'conflict',
      `model ${model.id}: ${dependents.latentFiles} latent file(s) need it to decompress (e.g. ${dependents.latentExamples[0]}); export it first or force`,
    );
  }
  // Move the folder aside first, so the catalog never lists a model whose files are half gone;
  // put it back if the catalog update fails.
  const owned = existsSync(model.dir) && isInside(model.dir, home.modelsDir);
  const trash = path.join(home.tmpDir, `deleted-model-${randomBytes(6).toString('hex')}`);
  if (owned) await rename(model.dir, trash);
  try {
    // Evaluations go with the model (cascade); runs keep their history with the link cleared;
    // latent file rows keep naming the model id they need.
    catalog.transaction(() => catalog.models.remove(model.id));
  } catch (err) {
    if (owned) await rename(trash, model.dir);
    throw err;
  }
  if (owned) await rm(trash, { recursive: true, force: true });
  return { model: model.id, deleted: true, dependents };
}
