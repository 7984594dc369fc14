// Writes a trained learned model as a built-in base model folder (resources/models/<id>/): the same
// weight and table files, the card renamed to the base's id and name, with the weights hash the
// catalog registers it under and the corpus it learned from. Written under a temporary name, renamed.
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../contract/errors.js';
import { loadModel } from './model-io.js';

/** A shipped base stays small enough for the installer: weights and tables at most this many bytes. */
export const MAX_BASE_BYTES = 8 * 1024 * 1024;

const FILES = ['params.json', 'params.bin', 'tables.bin'];

export async function writeBaseModel(
  src: string,
  out: string,
  base: { id: string; name: string; corpus: string },
): Promise<{ bytes: number; weightsHash: string }> {
  const loaded = await loadModel(src);
  const weightsHash = loaded.weightsHash;
  const learned = loaded.learned !== undefined;
  loaded.dispose();
  if (!learned) throw new StudioError('bad-request', `${src}: only learned families can be base models`);
  const card = JSON.parse(await readFile(path.join(src, 'card.json'), 'utf8')) as Record<string, unknown>;
  let bytes = 0;
  for (const f of FILES) bytes += (await stat(path.join(src, f))).size;
  if (bytes > MAX_BASE_BYTES)
    throw new StudioError(
      'bad-request',
      `${src}: ${bytes} bytes of weights and tables, over the ${MAX_BASE_BYTES}-byte limit of a base model`,
    );
  const tmp = `${out}.part-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    for (const f of FILES) await copyFile(path.join(src, f), path.join(tmp, f));
    // A base is where trainings start, not a fine-tune: a run that continued an earlier base keeps
    // that as history (continuedFrom), never as a start model to measure it against.
    const { startedFrom, ...rest } = card as typeof card & { startedFrom?: { id?: string; paramsHash?: string } };
    const shipped = {
      ...rest,
      id: base.id,
      name: base.name,
      weightsHash,
      weightsFormat: 'float32',
      base: {
        corpus: base.corpus,
        trainedAs: card.id,
        ...(startedFrom ? { continuedFrom: { id: startedFrom.id, paramsHash: startedFrom.paramsHash } } : {}),
      },
    };
    await writeFile(path.join(tmp, 'card.json'), `${JSON.stringify(shipped, null, 2)}\n`);
    await rm(out, { recursive: true, force: true });
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { bytes, weightsHash };
}
