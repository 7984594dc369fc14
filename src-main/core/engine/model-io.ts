// Saving and loading trained models: tfjs layers format (model.json + weights.bin) for the
// encoder and the decoder, plus card.json. loadModel gives the codec its encode/decode.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../contract/errors.js';
import type { RawImage } from '../imaging/index.js';
import { errnoOf, fileReason } from '../input/file-problem.js';
import { chooseBackend } from './backend.js';
import { convDecode, convEncode, denseDecode, denseEncode, type CodeGrid } from './inference.js';
import { loadLearnedDir, type LearnedCodecPart, type LearnedLoadOptions } from './learned-io.js';
import type { ConvHyper, ModelCard } from './model-card.js';
import { familyMeta } from './models/families.js';
import { toBytes, toFloat } from '../imaging/pixels.js';
// Registers the conv decoder's custom layer so saved conv models deserialize in any process.
import './models/depth-to-space.js';

export type { CodeGrid } from './inference.js';

export interface LoadedModel {
  id: string;
  card: ModelCard;
  /** sha256 (hex) of the decoder's weight bytes (and tables): .latent files name the decoder they need. */
  weightsHash: string;
  /** The v1 families' tfjs models (absent for learned families). */
  encoder?: tf.LayersModel;
  decoder?: tf.LayersModel;
  /** Learned families: image <-> entropy-coded streams at a quality (format v2). */
  learned?: LearnedCodecPart;
  encode(img: RawImage): Promise<CodeGrid>;
  decode(code: CodeGrid, width: number, height: number): Promise<RawImage>;
  dispose(): void;
}

export const CARD_FILE = 'card.json';
const PARTS = ['encoder', 'decoder'] as const;

async function saveLayers(model: tf.LayersModel, dir: string): Promise<Buffer> {
  let weights = Buffer.alloc(0);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      weights = Buffer.from(data);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      await writeFile(path.join(dir, 'weights.bin'), weights);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }),
  );
  return weights;
}

export function hashWeights(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes encoder, decoder and card to `dir` atomically (a temporary folder renamed into place). */
export async function saveModelDir(
  dir: string,
  encoder: tf.LayersModel,
  decoder: tf.LayersModel,
  card: ModelCard,
): Promise<{ weightsHash: string }> {
  const tmp = `${dir}.part-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await saveLayers(encoder, path.join(tmp, 'encoder'));
    const decoderWeights = await saveLayers(decoder, path.join(tmp, 'decoder'));
    const withBytes: ModelCard = { ...card, decoderBytes: decoderWeights.length };
    await writeFile(path.join(tmp, CARD_FILE), JSON.stringify(withBytes, null, 2));
    await rename(tmp, dir);
    return { weightsHash: hashWeights(decoderWeights) };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function loadLayers(dir: string): Promise<{ model: tf.LayersModel; weights: Buffer }> {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = await readFile(path.join(dir, 'weights.bin'));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  return { model, weights };
}

export async function readCard(dir: string): Promise<ModelCard> {
  try {
    return JSON.parse(await readFile(path.join(dir, CARD_FILE), 'utf8')) as ModelCard;
  } catch (err) {
    throw new StudioError(
      'not-found',
      `${dir}: not a saved model (${errnoOf(err) ? `${CARD_FILE}: ${fileReason(err)}` : `bad ${CARD_FILE}`})`,
    );
  }
}

/** Loads a saved model; `options` say how a learned family spreads a large image (learned-io.ts). */
export async function loadModel(dir: string, options: LearnedLoadOptions = {}): Promise<LoadedModel> {
  await chooseBackend();
  const card = await readCard(dir);
  if (familyMeta(card.arch)?.learned) {
    const l = await loadLearnedDir(dir, card, options);
    const refuse = () =>
      Promise.reject(new StudioError('internal', `model ${card.id} codes through its family (${card.arch}), not a code grid`));
    return { id: card.id, card, weightsHash: l.weightsHash, learned: l.codec, encode: refuse, decode: refuse, dispose: l.dispose };
  }
  let encoder: tf.LayersModel;
  let decoder: tf.LayersModel;
  let decoderWeights: Buffer;
  try {
    encoder = (await loadLayers(path.join(dir, 'encoder'))).model;
    const d = await loadLayers(path.join(dir, 'decoder'));
    decoder = d.model;
    decoderWeights = d.weights;
  } catch (err) {
    throw new StudioError('io', `${dir}: cannot load the model weights (${(err as Error).message.split('\n')[0]})`);
  }
  const h = card.hyper;
  const channels = card.channels;
  return {
    id: card.id,
    card,
    weightsHash: hashWeights(decoderWeights),
    encoder,
    decoder,
    async encode(img) {
      const f = toFloat(img, channels);
      return h.arch === 'dense' ? denseEncode(encoder, h, f) : convEncode(encoder, h as ConvHyper, f);
    },
    async decode(code, width, height) {
      const out =
        h.arch === 'dense'
          ? denseDecode(decoder, h, code, channels, width, height)
          : convDecode(decoder, h as ConvHyper, code, channels, width, height);
      return toBytes(out);
    },
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}

export const MODEL_PARTS = PARTS;
