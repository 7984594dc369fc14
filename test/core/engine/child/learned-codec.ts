// Run in a fresh process by test/core/engine/models/learned.coding.test.ts (backend forced through
// LATENT_STUDIO_BACKEND): loads saved learned models, decodes the parent's streams, codes the same
// images itself, and decodes corrupt streams. Reads a job JSON, writes the results as JSON.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { loadLearnedDir } from '../../../../src-main/core/engine/learned-io.js';
import type { ModelCard } from '../../../../src-main/core/engine/model-card.js';
import { learnedImpl } from '../../../../src-main/core/engine/models/registry.js';

export interface ChildJob {
  models: {
    dir: string;
    width: number;
    height: number;
    quality: number;
    /** The parent's streams (base64). */
    streams: string[];
    image: { data: number[]; width: number; height: number; channels: number };
    /** Corrupt stream sets to decode at (width, height, quality). */
    corrupt: string[][];
  }[];
}

export interface CorruptOutcome {
  error: string | null;
  isError: boolean;
  width: number;
  height: number;
  /** Every value finite and in [0, 1]. */
  inRange: boolean;
}

export interface ChildResult {
  backend: string;
  models: { hash: string; decoded: number[]; ownStreams: string[]; ownDecoded: number[]; corrupt: CorruptOutcome[] }[];
}

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

const [jobFile, outFile] = process.argv.slice(2);
const job = JSON.parse(await readFile(jobFile!, 'utf8')) as ChildJob;
const { backend } = await chooseBackend();
const result: ChildResult = { backend, models: [] };
for (const m of job.models) {
  const card = JSON.parse(await readFile(path.join(m.dir, 'card.json'), 'utf8')) as ModelCard;
  const loaded = await loadLearnedDir(m.dir, card);
  const impl = learnedImpl<{ arch: string }>(card.arch);
  const rt = loaded.runtime;
  const decoded = await impl.decompress(rt, m.streams.map(fromB64), m.width, m.height, m.quality);
  const img = { ...m.image, data: Float32Array.from(m.image.data) };
  const own = await impl.compress(rt, img, m.quality);
  const ownDecoded = await impl.decompress(rt, own, m.width, m.height, m.quality);
  const corrupt: CorruptOutcome[] = [];
  for (const set of m.corrupt) {
    try {
      const out = await impl.decompress(rt, set.map(fromB64), m.width, m.height, m.quality);
      corrupt.push({ error: null, isError: false, width: out.width, height: out.height, inRange: out.data.every((v) => v >= 0 && v <= 1) });
    } catch (err) {
      corrupt.push({ error: String(err), isError: err instanceof Error, width: 0, height: 0, inRange: false });
    }
  }
  result.models.push({
    hash: loaded.weightsHash,
    decoded: Array.from(decoded.data),
    ownStreams: own.map((s) => Buffer.from(s).toString('base64')),
    ownDecoded: Array.from(ownDecoded.data),
    corrupt,
  });
  loaded.dispose();
}
await writeFile(outFile!, JSON.stringify(result));
