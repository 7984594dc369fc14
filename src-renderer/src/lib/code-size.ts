// What a model's code costs per image, before training: the number of code values the encoder
// emits for an image of the dataset's size, at 8 bits each (the quantizer's symbols before the
// entropy coder, which usually does better), and the compression ratio that implies against raw
// pixels and against the dataset's own files.
import { codeValuesPerImage, type Hyper } from '../../../src-main/core/engine/model-card';

export interface CodeEstimate {
  values: number;
  /** At 8 bits per value. */
  bytes: number;
  rawBytes: number;
  ratioRaw: number;
  /** Against the mean original file size, when known. */
  ratioFile: number | null;
}

/**
 * The code of hyperparameters `hyper` (any family: the core's codeValuesPerImage) for an image of
 * the dataset's typical size, at 8 bits per value.
 */
export function estimateCode(
  hyper: Record<string, unknown> | null,
  image: { width: number; height: number; channels: number; meanBytes?: number | null },
): CodeEstimate | null {
  const { width, height, channels } = image;
  if (!hyper || !(width > 0 && height > 0 && channels > 0)) return null;
  let values: number;
  try {
    values = codeValuesPerImage(hyper as unknown as Hyper, width, height);
  } catch {
    return null;
  }
  if (!(values > 0) || !Number.isFinite(values)) return null;
  const bytes = values;
  const rawBytes = width * height * channels;
  const meanBytes = image.meanBytes ?? null;
  return { values, bytes, rawBytes, ratioRaw: rawBytes / bytes, ratioFile: meanBytes && meanBytes > 0 ? meanBytes / bytes : null };
}
