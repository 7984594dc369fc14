// The equal-size comparison behind the Compare view: one image through the latent codec (compressed
// now at a quality, or an existing .latent file), and for each classical codec the encoding whose
// size is closest to the latent file's, all measured against the same reference pixels and handed
// back as files the browser can show (PNG for the original and the latent reconstruction, the
// JPEG/WebP/AVIF bytes themselves for the others).
import { readFile, stat } from 'node:fs/promises';
import type { LoadedCodecModel, ModelLoader } from '../codec/batch.js';
import type { CalibrationSource } from '../codec/calibrate.js';
import { prepareFile } from '../codec/compress.js';
import { isPack } from '../codec/container.js';
import { isPackV2 } from '../codec/container-v2.js';
import { readAnySingle } from '../codec/latent-file.js';
import { decodeSingle } from '../codec/decompress.js';
import type { EncodedImage, EqualSizeComparison, EqualSizeEntry } from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import { encodeImage, readImage, type RawImage } from '../imaging/index.js';
import { closestBySize, measureQuality } from './classical.js';
import { CLASSICAL_CODECS, type ClassicalCodec } from './codecs.js';
import { codecLabel } from './curves.js';
import { colorOnly } from './pixels.js';
import { rateOf } from './rate.js';
import { finiteOrNull, latentSample, withCalibration } from './sweep.js';

export interface EqualSizeInput {
  model: { id: string; dir: string; calibration?: CalibrationSource };
  /** The original image (required unless the latent file's source is known). */
  imagePath: string;
  /** Compare this .latent file instead of compressing imagePath at `quality`. */
  latentPath?: string;
  /** Quality the latent file was made at, when known (for the label). */
  latentQuality?: number | null;
  quality: number;
  codecs: ClassicalCodec[];
}

async function png(img: RawImage): Promise<EncodedImage> {
  const bytes = await encodeImage(img, 'png');
  return { mime: 'image/png', base64: bytes.toString('base64') };
}

function entry(
  codec: EqualSizeEntry['codec'],
  quality: number | null,
  bytes: number,
  ref: RawImage,
  originalBytes: number,
  m: { psnr: number; msssim: number; ssim?: number },
  image: EncodedImage,
): EqualSizeEntry {
  const r = rateOf(bytes, ref.width, ref.height, originalBytes);
  return {
    codec,
    label: codecLabel(codec),
    quality,
    bytes,
    bpp: r.bpp,
    ratio: r.ratio ?? originalBytes / bytes,
    rawRatio: r.rawRatio,
    psnr: finiteOrNull(m.psnr),
    ssim: m.ssim ?? NaN,
    msssim: m.msssim,
    image,
  };
}

export async function compareAtEqualSize(input: EqualSizeInput, loadModel: ModelLoader): Promise<EqualSizeComparison> {
  const model: LoadedCodecModel = await withCalibration(await loadModel(input.model.dir), input.model.calibration);
  try {
    const originalBytes = (await stat(input.imagePath)).size;
    let ref: RawImage;
    let channels: 1 | 3 | 4;
    let latent: EqualSizeEntry;
    if (input.latentPath) {
      const raw = await readImage(input.imagePath, { channels: 'keep' });
      channels = raw.channels;
      ref = colorOnly(raw);
      const bytes = await readFile(input.latentPath);
      if (isPack(bytes) || isPackV2(bytes))
        throw new StudioError('unsupported', `${input.latentPath}: a pack holds many images; compare one .latent file`);
      const decoded = await decodeSingle(model, readAnySingle(bytes, input.latentPath), input.latentPath);
      const recon = colorOnly(decoded.image);
      if (recon.width !== ref.width || recon.height !== ref.height) {
        throw new StudioError(
          'bad-request',
          `${input.latentPath}: holds a ${recon.width}x${recon.height} image, but ${input.imagePath} is ${ref.width}x${ref.height}`,
        );
      }
      const m = measureQuality(ref, recon, { ssim: true });
      latent = entry('latent', input.latentQuality ?? null, bytes.length, ref, originalBytes, m, await png(recon));
    } else {
      const prepared = await prepareFile(model, input.imagePath, false);
      ref = prepared.original;
      channels = prepared.channels;
      const s = await latentSample(model, prepared, input.quality, { ssim: true });
      latent = entry('latent', input.quality, s.bytes.length, ref, originalBytes, s.metrics, await png(s.recon));
    }
    const classical: EqualSizeEntry[] = [];
    for (const codec of input.codecs) {
      const p = await closestBySize(ref, codec, latent.bytes, { ssim: true });
      classical.push(
        entry(codec, p.quality, p.bytes, ref, originalBytes, p, {
          mime: CLASSICAL_CODECS[codec].mime,
          base64: p.encoded.toString('base64'),
        }),
      );
    }
    return {
      path: input.imagePath,
      width: ref.width,
      height: ref.height,
      channels,
      originalBytes,
      original: await png(ref),
      model: model.id,
      latent,
      classical,
    };
  } finally {
    model.dispose();
  }
}
