// Export a catalog model to a .lsmodel file, and import one: the files are written into a
// staging folder under <home>/tmp and renamed to <home>/models/<id>/ in one step, then the model
// is registered; a crash at any point leaves either no model or a complete one.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExportedModel } from '../../contract/catalog.js';
import { StudioError } from '../../contract/errors.js';
import { writeFileAtomic } from '../../imaging/index.js';
import { fileProblem } from '../../input/file-problem.js';
import { readInput } from '../../input/open-input.js';
import type { Catalog } from '../catalog.js';
import { listModelFiles } from '../model-files.js';
import type { ModelRecord } from '../types.js';
import { decodeLsModel, encodeLsModel, MODEL_ID_PATTERN, sha256, type LsModelEntry, type LsModelIndex } from './format.js';

export async function exportModel(
  catalog: Catalog,
  model: ModelRecord,
  out: string,
  options: { overwrite?: boolean } = {},
): Promise<ExportedModel> {
  // The contract may write only files of its own kind where the caller says (docs/security.md).
  if (path.extname(out).toLowerCase() !== '.lsmodel')
    throw new StudioError('bad-request', `${out}: a model is exported to a .lsmodel file`);
  if (!MODEL_ID_PATTERN.test(model.id))
    throw new StudioError('unsupported', `model ${model.id}: this id cannot be used as a folder name elsewhere`);
  if (!existsSync(model.dir)) throw new StudioError('not-found', `model ${model.id}: its folder ${model.dir} is missing`);
  const listed = listModelFiles(model.dir);
  if (listed.length === 0) throw new StudioError('not-found', `model ${model.id}: its folder ${model.dir} is empty`);
  const files = await Promise.all(
    listed.map(async (f) => ({ path: f.path, bytes: await readFile(path.join(model.dir, ...f.path.split('/'))) })),
  );
  const dataset = model.datasetId === null ? null : (catalog.datasets.get(model.datasetId)?.name ?? null);
  const bytes = encodeLsModel(
    {
      model: { id: model.id, name: model.name, arch: model.arch, weightsHash: model.weightsHash, createdAt: model.createdAt, dataset },
      card: model.card,
    },
    files,
  );
  const file = path.resolve(out);
  await writeFileAtomic(file, bytes, { overwrite: options.overwrite ?? false });
  return { model: model.id, path: file, bytes: bytes.length, files: files.length };
}

/** Largest .lsmodel read: the built-in base models are a few MB; a file from elsewhere is bounded. */
export const MAX_LSMODEL_BYTES = 1024 * 1024 * 1024;

/** Under the one reading policy (input/open-input.ts): a regular file, its size checked before reading. */
async function readLsModelFile(file: string): Promise<Buffer> {
  return (await readInput(file, { maxBytes: MAX_LSMODEL_BYTES, what: 'a model file' })).bytes;
}

export async function importModel(
  catalog: Catalog,
  home: { modelsDir: string; tmpDir: string },
  source: string,
): Promise<{ model: ModelRecord; alreadyPresent: boolean }> {
  const file = path.resolve(source);
  const { index, files } = decodeLsModel(file, await readLsModelFile(file));
  const id = index.model.id;
  const existing = catalog.models.get(id);
  if (existing) {
    if (existing.weightsHash === index.model.weightsHash) return { model: existing, alreadyPresent: true };
    throw new StudioError(
      'conflict',
      `${file}: model ${id} is already in the catalog with different weights (${existing.weightsHash.slice(0, 12)} here, ${index.model.weightsHash.slice(0, 12)} in the file); delete or export the existing one first`,
    );
  }
  const dir = path.join(home.modelsDir, id);
  if (existsSync(dir)) {
    // Left by an import that crashed after the rename and before registering: adopt it if it
    // holds exactly these files, refuse otherwise.
    if (!(await folderHolds(dir, files)))
      throw new StudioError('conflict', `${file}: ${dir} already exists but is not in the catalog; move it away first`);
  } else {
    await writeModelFolder(file, dir, home, files);
  }
  return { model: register(catalog, dir, index), alreadyPresent: false };
}

async function folderHolds(dir: string, files: LsModelEntry[]): Promise<boolean> {
  const listed = listModelFiles(dir);
  if (listed.length !== files.length) return false;
  for (const f of files) {
    const have = await readFile(path.join(dir, ...f.path.split('/'))).catch(() => undefined);
    if (!have || sha256(have) !== sha256(f.bytes)) return false;
  }
  return true;
}

async function writeModelFolder(
  file: string,
  dir: string,
  home: { modelsDir: string; tmpDir: string },
  files: LsModelEntry[],
): Promise<void> {
  const id = path.basename(dir);
  const staging = path.join(home.tmpDir, `import-${id}-${randomBytes(6).toString('hex')}`);
  try {
    for (const f of files) {
      const target = path.join(staging, ...f.path.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, f.bytes, { flag: 'wx' });
    }
    await mkdir(home.modelsDir, { recursive: true });
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw fileProblem(file, err, `write the model folder ${dir}`, 'io');
  }
}

/** The folder is complete before the record exists, so the catalog never lists a half-written model. */
function register(catalog: Catalog, dir: string, index: LsModelIndex): ModelRecord {
  const datasetId = index.model.dataset === null ? null : (catalog.datasets.byName(index.model.dataset)?.id ?? null);
  return catalog.models.add({
    id: index.model.id,
    name: index.model.name,
    datasetId,
    arch: index.model.arch,
    dir,
    weightsHash: index.model.weightsHash,
    card: index.card,
    createdAt: index.model.createdAt,
  });
}
