// Shared inputs for the catalog tests: the committed landscape fixture, bad files made on the
// fly, and a saved-model folder as the engine lays it out (model.json, weights, card.json).
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LANDSCAPES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/landscapes-small');
export const LANDSCAPE_FILES = ['badlands0.jpg', 'beach0.jpg', 'canyon0.jpg', 'fields0.jpg', 'forest0.jpg', 'mountain0.jpg'];

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Unreadable files of every kind the import must report (and a non-image file it must ignore). */
export function writeBadFiles(dir: string) {
  mkdirSync(dir, { recursive: true });
  const good = readFileSync(path.join(LANDSCAPES, 'beach0.jpg'));
  const bmp = Buffer.alloc(58);
  bmp.write('BM');
  bmp.writeUInt32LE(58, 2);
  const files = {
    empty: path.join(dir, 'empty.jpg'),
    truncated: path.join(dir, 'truncated.jpg'),
    text: path.join(dir, 'notes.jpg'),
    bmp: path.join(dir, 'old.bmp'),
    svg: path.join(dir, 'drawing.jpg'),
  };
  writeFileSync(files.empty, '');
  writeFileSync(files.truncated, good.subarray(0, Math.floor(good.length / 2)));
  writeFileSync(files.text, 'this is a text file with an image name\n');
  writeFileSync(files.bmp, bmp);
  writeFileSync(files.svg, '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>');
  writeFileSync(path.join(dir, 'README.txt'), 'not an image name: ignored inside a folder');
  return files;
}

/**
 * `count` distinct, valid JPEGs: copies of the fixture with a different JPEG comment segment
 * (COM, after SOI), so each has its own content hash and decodes like the original.
 */
export function writeDistinctJpegs(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const sources = LANDSCAPE_FILES.map((f) => readFileSync(path.join(LANDSCAPES, f)));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length]!;
    const comment = Buffer.from(`variant ${i}`, 'latin1');
    const seg = Buffer.alloc(4);
    seg.writeUInt16BE(0xfffe, 0);
    seg.writeUInt16BE(comment.length + 2, 2);
    const file = path.join(dir, `img-${String(i).padStart(4, '0')}.jpg`);
    writeFileSync(file, Buffer.concat([src.subarray(0, 2), seg, comment, src.subarray(2)]));
    out.push(file);
  }
  return out;
}

export function copyLandscapes(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return LANDSCAPE_FILES.map((f) => {
    const to = path.join(dir, f);
    copyFileSync(path.join(LANDSCAPES, f), to);
    return to;
  });
}

export interface ModelFolder {
  id: string;
  dir: string;
  weightsHash: string;
  card: Record<string, unknown>;
}

/** A saved model folder laid out like the engine's: tfjs model.json + weights bin + card.json. */
export function writeModelFolder(modelsDir: string, id: string, weightBytes = 4096): ModelFolder {
  const dir = path.join(modelsDir, id);
  mkdirSync(dir, { recursive: true });
  const weights = randomBytes(weightBytes);
  const weightsHash = createHash('sha256').update(weights).digest('hex');
  const card = { id, arch: 'dense', channels: 3, codeSize: 16, codeRange: { min: -1, max: 1 } };
  writeFileSync(
    path.join(dir, 'model.json'),
    JSON.stringify({
      format: 'layers-model',
      weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [weightBytes / 4], dtype: 'float32' }] }],
    }),
  );
  writeFileSync(path.join(dir, 'weights.bin'), weights);
  writeFileSync(path.join(dir, 'card.json'), JSON.stringify(card));
  return { id, dir, weightsHash, card };
}
