// A training checkpoint: everything trainAutoencoder needs to continue after its last finished
// epoch as if it had never stopped (weights, Adam moments, the PRNG position, history, early
// stopping). One file, written under a temporary name and renamed into place, so a kill at any
// moment leaves either the previous checkpoint or the new one, never half of one.
// Layout: magic, uint32 header length, JSON header, then the float32 arrays back to back.
import { readFile, rm } from 'node:fs/promises';
import { StudioError } from '../contract/errors.js';
import { writeFileAtomic } from '../imaging/write.js';
import type { AdamState } from './adam.js';
import type { EpochRecord } from './model-card.js';

export interface TrainCheckpoint {
  /** Which model the checkpoint belongs to: a checkpoint is only ever continued by its own job. */
  modelId: string;
  history: EpochRecord[];
  /** Best validation loss so far (Infinity before the first epoch) and epochs since it. */
  best: number;
  sinceBest: number;
  stoppedEarly: boolean;
  /** Optimizer steps so far (the quantization noise seed of the next batch depends on it). */
  step: number;
  seen: number;
  trainSeconds: number;
  elapsedSeconds: number;
  estBatches: number;
  /** Mulberry32 state after the last finished epoch. */
  rand: number;
  encoder: Float32Array[];
  decoder: Float32Array[];
  adam: AdamState;
}

const MAGIC = Buffer.from('LSCKPT1\n');

type Header = Omit<TrainCheckpoint, 'encoder' | 'decoder' | 'adam' | 'best'> & {
  best: number | null;
  adamSteps: number;
  lengths: { encoder: number[]; decoder: number[]; m: number[]; v: number[] };
};

export function encodeCheckpoint(c: TrainCheckpoint): Buffer {
  const { encoder, decoder, adam, best, ...rest } = c;
  const header: Header = {
    ...rest,
    // JSON has no Infinity.
    best: Number.isFinite(best) ? best : null,
    adamSteps: adam.steps,
    lengths: { encoder: lengths(encoder), decoder: lengths(decoder), m: lengths(adam.m), v: lengths(adam.v) },
  };
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(json.length);
  const arrays = [...encoder, ...decoder, ...adam.m, ...adam.v].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return Buffer.concat([MAGIC, size, json, ...arrays]);
}

export function decodeCheckpoint(bytes: Buffer, where: string): TrainCheckpoint {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new StudioError('bad-request', `${where}: not a training checkpoint`);
  const size = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const header = JSON.parse(bytes.subarray(start, start + size).toString('utf8')) as Header;
  let at = start + size;
  const take = (counts: number[]): Float32Array[] =>
    counts.map((n) => {
      if (at + n * 4 > bytes.length) throw new StudioError('bad-request', `${where}: training checkpoint is truncated`);
      // Copy: the file buffer's offset need not be 4-byte aligned.
      const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + n * 4));
      at += n * 4;
      return a;
    });
  const { lengths: l, adamSteps, best, ...rest } = header;
  const encoder = take(l.encoder);
  const decoder = take(l.decoder);
  const adam: AdamState = { steps: adamSteps, m: take(l.m), v: take(l.v) };
  return { ...rest, best: best ?? Infinity, encoder, decoder, adam };
}

export async function writeCheckpoint(file: string, c: TrainCheckpoint): Promise<void> {
  await writeFileAtomic(file, encodeCheckpoint(c), { overwrite: true });
}

/** The checkpoint of this model, or undefined when none was written yet (or it belongs to another model). */
export async function readCheckpoint(file: string, modelId: string): Promise<TrainCheckpoint | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const c = decodeCheckpoint(bytes, file);
  return c.modelId === modelId ? c : undefined;
}

export async function removeCheckpointDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

function lengths(arrays: Float32Array[]): number[] {
  return arrays.map((a) => a.length);
}
