// What a model's code costs per image, before training: the number of code values the encoder
// emits for an image of the dataset's size, at 8 bits each (the quantizer's symbols before the
// entropy coder, which usually does better), and the compression ratio that implies against raw
// pixels and against the dataset's own files.

export interface CodeShape {
  arch: 'dense' | 'conv';
  /** dense: values per image (tile 0) or per tile. */
  codeSize: number;
  /** dense: tile edge in pixels, 0 = whole image. conv: ignored for the code size. */
  tile: number;
  /** conv: downsampling factor (8 or 16) and code channels. */
  downsample: number;
  codeChannels: number;
}

export interface CodeEstimate {
  values: number;
  /** At 8 bits per value. */
  bytes: number;
  rawBytes: number;
  ratioRaw: number;
  /** Against the mean original file size, when known. */
  ratioFile: number | null;
  cells: string;
}

export function estimateCode(
  shape: CodeShape,
  image: { width: number; height: number; channels: number; meanBytes?: number | null },
): CodeEstimate | null {
  const { width, height, channels } = image;
  if (!(width > 0 && height > 0 && channels > 0)) return null;
  let values: number;
  let cells: string;
  if (shape.arch === 'dense') {
    if (shape.tile > 0) {
      const gw = Math.ceil(width / shape.tile);
      const gh = Math.ceil(height / shape.tile);
      values = gw * gh * shape.codeSize;
      cells = `${gw}×${gh} tiles × ${shape.codeSize} values`;
    } else {
      values = shape.codeSize;
      cells = `${shape.codeSize} values per image`;
    }
  } else {
    const gw = Math.ceil(width / shape.downsample);
    const gh = Math.ceil(height / shape.downsample);
    values = gw * gh * shape.codeChannels;
    cells = `${gw}×${gh} grid × ${shape.codeChannels} channels`;
  }
  if (!(values > 0)) return null;
  const bytes = values;
  const rawBytes = width * height * channels;
  const meanBytes = image.meanBytes ?? null;
  return { values, bytes, rawBytes, ratioRaw: rawBytes / bytes, ratioFile: meanBytes && meanBytes > 0 ? meanBytes / bytes : null, cells };
}

/** A decreasing "sandwich" of hidden layer widths from `first` down towards the code size. */
export function sandwich(count: number, first: number, codeSize: number): number[] {
  const out: number[] = [];
  let w = first;
  for (let i = 0; i < count; i++) {
    out.push(Math.max(codeSize, Math.round(w)));
    w = w / 2;
  }
  return out;
}
