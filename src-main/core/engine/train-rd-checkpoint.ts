// Checkpoint of a rate-distortion training (train-rd.ts): weights, Adam moments, step, PRNG
// state and history, in one file written under a temporary name and renamed (a kill leaves the
// previous checkpoint or the new one). Layout: magic, u32 header length, JSON header, float32 arrays.
import { readFile } from 'node:fs/promises';
import { StudioError } from '../contract/errors.js';
import { writeFileAtomic } from '../imaging/write.js';
import type { RdState } from './train-rd.js';

const MAGIC = Buffer.from('LSCKRD1\n');

interface Header {
  modelId: string;
  step: number;
  trainSeconds: number;
  rand: number;
  history: RdState['history'];
  startVal?: RdState['startVal'];
  adamSteps: number;
  lengths: { weights: number[]; m: number[]; v: number[] };
}

export function encodeRdCheckpoint(modelId: string, s: RdState): Buffer {
  const header: Header = {
    modelId,
    step: s.step,
    trainSeconds: s.trainSeconds,
    rand: s.rand,
    history: s.history,
    ...(s.startVal ? { startVal: s.startVal } : {}),
    adamSteps: s.adam.steps,
    lengths: { weights: s.weights.map((a) => a.length), m: s.adam.m.map((a) => a.length), v: s.adam.v.map((a) => a.length) },
  };
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(json.length);
  const arrays = [...s.weights, ...s.adam.m, ...s.adam.v].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return Buffer.concat([MAGIC, size, json, ...arrays]);
}

export function decodeRdCheckpoint(bytes: Buffer, where: string): { modelId: string; state: RdState } {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new StudioError('bad-request', `${where}: not a rate-distortion training checkpoint`);
  const size = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + size > bytes.length) throw new StudioError('bad-request', `${where}: training checkpoint is truncated`);
  const h = JSON.parse(bytes.subarray(start, start + size).toString('utf8')) as Header;
  let at = start + size;
  const take = (counts: number[]): Float32Array[] =>
    counts.map((n) => {
      if (at + n * 4 > bytes.length) throw new StudioError('bad-request', `${where}: training checkpoint is truncated`);
      const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + n * 4));
      at += n * 4;
      return a;
    });
  const weights = take(h.lengths.weights);
  const m = take(h.lengths.m);
  const v = take(h.lengths.v);
  return {
    modelId: h.modelId,
    state: {
      step: h.step,
      trainSeconds: h.trainSeconds,
      rand: h.rand,
      history: h.history,
      ...(h.startVal ? { startVal: h.startVal } : {}),
      weights,
      adam: { steps: h.adamSteps, m, v },
    },
  };
}

export async function writeRdCheckpoint(file: string, modelId: string, s: RdState): Promise<void> {
  await writeFileAtomic(file, encodeRdCheckpoint(modelId, s), { overwrite: true });
}

/** The checkpoint of this model, or undefined when there is none (or it is another model's). */
export async function readRdCheckpoint(file: string, modelId: string): Promise<RdState | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const c = decodeRdCheckpoint(bytes, file);
  return c.modelId === modelId ? c.state : undefined;
}
