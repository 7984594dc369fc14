// The .lsmodel container: one file carrying a saved model folder (tfjs model.json, weights,
// card.json) so another studio can import it and decode your .latent files.
//
// Layout, integers little-endian:
//   0   8 bytes  magic "LSMODEL\0"
//   8   u32      container version (1)
//   12  u32      N, byte length of the index
//   16  N bytes  UTF-8 JSON index: { model: {id, name, arch, weightsHash, createdAt, dataset},
//                card, files: [{ path, bytes, sha256 }] }
//   16+N         the files' bytes, concatenated in index order; nothing follows.
// Every file's sha256 is checked on import, so a damaged download fails with a clear message.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FAMILY_NAMES } from '../../contract/families.js';
import { StudioError } from '../../contract/errors.js';
import { unsafeNameChar } from '../../contract/text.js';

export const LSMODEL_MAGIC = Buffer.from('LSMODEL\0', 'latin1');
export const LSMODEL_VERSION = 1;
const HEADER_BYTES = 16;
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/** A relative path inside the model folder: '/'-separated, no '..', no absolute or hidden parts. */
const safeRelPath = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => p.split('/').every(isSafePart), { message: 'unsafe file path' });

function isSafePart(part: string): boolean {
  return part !== '' && !part.startsWith('.') && !part.includes('\\') && !part.includes(':') && !part.includes('\0');
}

/** Model ids a .lsmodel can carry: they become a folder name on the receiving machine. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const indexSchema = z.object({
  model: z.object({
    id: z.string().regex(MODEL_ID_PATTERN, 'bad model id'),
    // Shown in the library and in messages: no controls or bidi controls from someone else's file.
    name: z.string().max(500).refine((s) => unsafeNameChar(s) === null, 'model name holds control characters'),
    arch: z.enum(FAMILY_NAMES),
    weightsHash: z.string().min(1).max(200),
    createdAt: z.string().max(100),
    dataset: z
      .string()
      .max(200)
      .refine((s) => unsafeNameChar(s) === null, 'dataset name holds control characters')
      .nullable(),
  }),
  card: z.record(z.string(), z.unknown()),
  files: z.array(z.object({ path: safeRelPath, bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).max(10_000),
});

export type LsModelIndex = z.infer<typeof indexSchema>;

export interface LsModelEntry {
  path: string;
  bytes: Buffer;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function encodeLsModel(meta: Omit<LsModelIndex, 'files'>, files: LsModelEntry[]): Buffer {
  const index: LsModelIndex = { ...meta, files: files.map((f) => ({ path: f.path, bytes: f.bytes.length, sha256: sha256(f.bytes) })) };
  const json = Buffer.from(JSON.stringify(index), 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  LSMODEL_MAGIC.copy(header, 0);
  header.writeUInt32LE(LSMODEL_VERSION, 8);
  header.writeUInt32LE(json.length, 12);
  return Buffer.concat([header, json, ...files.map((f) => f.bytes)]);
}

export function decodeLsModel(label: string, buf: Buffer): { index: LsModelIndex; files: LsModelEntry[] } {
  const bad = (why: string) => new StudioError('bad-request', `${label}: ${why}`);
  if (buf.length < HEADER_BYTES || !buf.subarray(0, 8).equals(LSMODEL_MAGIC)) throw bad('not a .lsmodel file');
  const version = buf.readUInt32LE(8);
  if (version !== LSMODEL_VERSION)
    throw new StudioError('unsupported', `${label}: .lsmodel version ${version} is not supported (this studio reads ${LSMODEL_VERSION})`);
  const indexLength = buf.readUInt32LE(12);
  if (indexLength > MAX_INDEX_BYTES || HEADER_BYTES + indexLength > buf.length) throw bad('truncated (index runs past the end)');
  let index: LsModelIndex;
  try {
    const parsed = indexSchema.safeParse(JSON.parse(buf.subarray(HEADER_BYTES, HEADER_BYTES + indexLength).toString('utf8')));
    if (!parsed.success) throw bad(`damaged index (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    index = parsed.data;
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw bad('damaged index (not JSON)');
  }
  const declared = index.files.reduce((s, f) => s + f.bytes, 0);
  const bodyStart = HEADER_BYTES + indexLength;
  if (bodyStart + declared !== buf.length) {
    throw bad(bodyStart + declared > buf.length ? 'truncated (file data missing)' : 'unexpected bytes after the last file');
  }
  if (new Set(index.files.map((f) => f.path)).size !== index.files.length) throw bad('damaged index (a file is listed twice)');
  const files: LsModelEntry[] = [];
  let at = bodyStart;
  for (const f of index.files) {
    const bytes = buf.subarray(at, at + f.bytes);
    at += f.bytes;
    if (sha256(bytes) !== f.sha256) throw bad(`damaged (${f.path} does not match its checksum)`);
    files.push({ path: f.path, bytes });
  }
  return { index, files };
}
