// Names and ids may not hold controls or bidirectional controls (U+202E would make
// "invoice\u202Egpj.exe" read as "invoiceexe.jpg"): in requests, .latent headers and .lsmodel files.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeLsModel, encodeLsModel } from '../../../src-main/core/catalog/lsmodel/format.js';
import { readSingle, weightsTag, writeSingle, type CodeParams } from '../../../src-main/core/codec/container.js';
import { encodeGrid } from '../../../src-main/core/codec/grid-coder.js';
import { unsafeNameChar } from '../../../src-main/core/contract/text.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const CONTROLS = ['\u0000', '\t', '\n', '\u001b', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029'];

describe('unsafe name characters', () => {
  it('finds controls and every bidirectional control, and names it', () => {
    for (const ch of [...BIDI, ...CONTROLS]) expect(unsafeNameChar(`a${ch}b`), JSON.stringify(ch)).not.toBeNull();
    expect(unsafeNameChar('invoice\u202egpj.exe')).toBe('U+202E');
  });

  it('lets ordinary names through, right-to-left scripts and emoji included', () => {
    for (const name of ['Faces 2024', 'café', 'שלום', 'مرحبا', 'ภาพถ่าย', '写真 📷', 'a\u200db'])
      expect(unsafeNameChar(name), name).toBeNull();
  });
});

describe('names in requests', () => {
  let tmp: ReturnType<typeof makeTmpDir>;
  let studio: Studio;
  beforeEach(() => {
    tmp = makeTmpDir();
    studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  });
  afterEach(async () => {
    await studio.close();
    tmp.cleanup();
  });

  it('refuses a dataset, model, evaluation or pack name with a bidi control', async () => {
    const rlo = 'shoot\u202egpj.exe';
    await expect(studio.call('importPaths', { paths: ['/a'], dataset: rlo })).rejects.toThrow('bidirectional-control');
    await expect(studio.call('trainModel', { dataset: 'd', name: rlo })).rejects.toThrow('model names cannot contain');
    await expect(studio.call('evaluateModel', { codecs: ['jpeg'], paths: ['/a'], name: rlo })).rejects.toThrow(
      'evaluation names cannot contain',
    );
    await expect(studio.call('compressImages', { model: 'm', paths: ['/a'], outDir: tmp.dir, pack: rlo })).rejects.toThrow(
      'pack names cannot contain',
    );
  });
});

describe('names in files', () => {
  it('a .latent whose model id holds a bidi control is corrupt', () => {
    const params: CodeParams = {
      modelId: 'digits\u202e23-esned',
      weightsTag: weightsTag('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
      predictor: 'mean',
      codeChannels: 2,
      tile: 0,
      step: Math.fround(0.5),
    };
    const payload = encodeGrid(
      Int32Array.from({ length: 2 * 2 * 2 }, () => 0),
      2,
      2,
      2,
      'mean',
    );
    const bytes = writeSingle({ params, image: { width: 8, height: 8, channels: 1, gh: 2, gw: 2 }, payload });
    expect(() => readSingle(bytes, 'x.latent')).toThrow(
      'x.latent: corrupt header (model id holds control or bidirectional-control characters)',
    );
  });

  it('a .lsmodel whose model or dataset name holds a bidi control is refused', () => {
    const meta = (name: string, dataset: string | null) => ({
      model: { id: 'm1', name, arch: 'dense' as const, weightsHash: 'h', createdAt: 'now', dataset },
      card: {},
    });
    const files = [{ path: 'w.bin', bytes: Buffer.from('x') }];
    expect(() => decodeLsModel('a.lsmodel', encodeLsModel(meta('faces\u202e', null), files))).toThrow(
      /a\.lsmodel: damaged index \(model name holds control characters\)/,
    );
    expect(() => decodeLsModel('b.lsmodel', encodeLsModel(meta('faces', 'd\u2066x'), files))).toThrow(
      /b\.lsmodel: damaged index \(dataset name holds control characters\)/,
    );
    expect(decodeLsModel('c.lsmodel', encodeLsModel(meta('Faces مرحبا', 'd'), files)).index.model.name).toBe('Faces مرحبا');
  });
});
