// THE pixel conversion: what an image has (gray, RGB, RGBA, 8 bits per sample) turned into what a
// model or a metric takes (gray or RGB bytes, or float planes in [0, 1]), one rule for every path
// (training, compression, metrics), so a model sees the same pixels when it is trained on a file
// and when that file is compressed. Pure: no Node imports, so any layer (and the renderer) can use it.
//
// The alpha rule: alpha never reaches a model or a metric. The colour planes are taken straight
// (unassociated, as the file stores them: never blended onto a background), because the codec
// keeps the alpha plane losslessly beside them and joins the two again on decode; a colour
// flattened onto white would come back with the background baked into every soft edge.
//
// The luma (RGB to gray): libvips's, what sharp gives for toColourspace('b-w') of an sRGB image,
// bit for bit on x64 (every one of the 2^24 colours, test/core/imaging/pixels.test.ts):
// luminance Y = 0.2126 R + 0.7152 G + 0.0722 B of the linear-light (sRGB-decoded) values, encoded
// back through libvips's 256-entry sRGB table with linear interpolation, in float32. Gray files
// decode to these same values, so a gray model sees a gray photo and the gray conversion of its
// colour original alike, whoever converts.

export type Channels = 1 | 3 | 4;

/** Interleaved (HWC) 8-bit pixels. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: Channels;
}

/** Float HWC image in [0, 1], the models' side. */
export interface FloatImage {
  data: Float32Array;
  width: number;
  height: number;
  channels: number;
}

const f32 = Math.fround;

// libvips's tables (colour/LabQ2sRGB.c, calcul_tables): 8-bit sRGB -> linear, and linear -> 8-bit
// sRGB with one extra entry for the interpolation, both computed in float32 as libvips does.
const TO_LINEAR = new Float32Array(256);
const TO_SRGB = new Int32Array(257);
for (let i = 0; i < 256; i++) {
  const x = f32(i / 255);
  TO_LINEAR[i] = x <= 0.04045 ? f32(x / f32(12.92)) : f32(Math.pow(f32(f32(x + f32(0.055)) / f32(1.055)), f32(2.4)));
  const v = x <= 0.0031308 ? f32(f32(12.92) * x) : f32(f32(f32(1.055) * f32(Math.pow(x, f32(1 / 2.4)))) - f32(0.055));
  TO_SRGB[i] = roundHalfEven(f32(255 * v));
}
TO_SRGB[256] = TO_SRGB[255]!;

// Each channel's weighted linear value, as libvips's float32 products give them.
const WR = TO_LINEAR.map((v) => f32(f32(0.2126) * v));
const WG = TO_LINEAR.map((v) => f32(f32(0.7152) * v));
const WB = TO_LINEAR.map((v) => f32(f32(0.0722) * v));

/** C's rintf: to the nearest integer, halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The one luma: 8-bit sRGB r, g, b to 8-bit gray (see the head of this file). R = G = B = v gives v. */
export function luma(r: number, g: number, b: number): number {
  const y = f32(f32(WR[r]! + WG[g]!) + WB[b]!);
  let yf = f32(y * 255);
  if (yf < 0) yf = 0;
  else if (yf > 255) yf = 255;
  const yi = yf | 0;
  const lo = TO_SRGB[yi]!;
  return roundHalfEven(f32(lo + f32(f32(TO_SRGB[yi + 1]! - lo) * f32(yf - yi))));
}

/** The alpha rule: RGBA split into its straight colour (RGB) and its alpha plane; other images pass through. */
export function splitAlpha(img: RawImage): { color: RawImage; alpha?: Uint8Array } {
  if (img.channels !== 4) return { color: img };
  const n = img.width * img.height;
  const rgb = new Uint8Array(n * 3);
  const alpha = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = img.data[4 * i]!;
    rgb[3 * i + 1] = img.data[4 * i + 1]!;
    rgb[3 * i + 2] = img.data[4 * i + 2]!;
    alpha[i] = img.data[4 * i + 3]!;
  }
  return { color: { data: rgb, width: img.width, height: img.height, channels: 3 }, alpha };
}

/** The colour part of an image: 1 or 3 channels, alpha dropped (a copy only when there is alpha). */
export function colorOnly(img: RawImage): RawImage {
  return splitAlpha(img).color;
}

/** Colour (gray is replicated) and an alpha plane joined into RGBA. */
export function joinAlpha(color: RawImage, alpha: Uint8Array): RawImage {
  const rgb = toChannels(color, 3);
  const n = color.width * color.height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[4 * i] = rgb.data[3 * i]!;
    out[4 * i + 1] = rgb.data[3 * i + 1]!;
    out[4 * i + 2] = rgb.data[3 * i + 2]!;
    out[4 * i + 3] = alpha[i]!;
  }
  return { data: out, width: color.width, height: color.height, channels: 4 };
}

/**
 * An image in `channels` channels: gray to RGB replicates, RGB to gray is the one luma, alpha is
 * dropped by the alpha rule (never blended), and 4 asks for RGBA (opaque when the image has no alpha).
 * Returns the image itself when it already has that many channels.
 */
export function toChannels(img: RawImage, channels: Channels): RawImage {
  if (img.channels === channels) return img;
  if (channels === 4) return joinAlpha(img, new Uint8Array(img.width * img.height).fill(255));
  const n = img.width * img.height;
  const d = img.data;
  const c = img.channels;
  const out = new Uint8Array(n * channels);
  if (c === 1) {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = d[i]!;
  } else if (channels === 1) {
    for (let i = 0, s = 0; i < n; i++, s += c) out[i] = luma(d[s]!, d[s + 1]!, d[s + 2]!);
  } else {
    for (let i = 0, s = 0; i < n; i++, s += 4) {
      out[3 * i] = d[s]!;
      out[3 * i + 1] = d[s + 1]!;
      out[3 * i + 2] = d[s + 2]!;
    }
  }
  return { data: out, width: img.width, height: img.height, channels };
}

/** 8-bit image (1, 3 or 4 channels) to float [0, 1] in `channels` channels, through toChannels. */
export function toFloat(img: RawImage, channels: 1 | 3): FloatImage {
  const src = toChannels(img, channels).data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! / 255;
  return { data: out, width: img.width, height: img.height, channels };
}

/** Float [0, 1] back to 8 bits: rounded to the nearest level, clamped. */
export function toBytes(img: FloatImage): RawImage {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Math.round(img.data[i]! * 255);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { data: out, width: img.width, height: img.height, channels: img.channels as 1 | 3 };
}

/**
 * Two images made comparable for a metric: same size required, alpha dropped, gray against RGB
 * replicated to RGB. Two gray images stay gray: the RGB metric of a replicated gray image equals
 * the gray metric.
 */
export function comparable(a: RawImage, b: RawImage): [RawImage, RawImage] {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`cannot compare a ${a.width}x${a.height} image with a ${b.width}x${b.height} one`);
  }
  if (a.data.length !== a.width * a.height * a.channels || b.data.length !== b.width * b.height * b.channels) {
    throw new RangeError('pixel buffer length does not match width x height x channels');
  }
  let x = colorOnly(a);
  let y = colorOnly(b);
  if (x.channels !== y.channels) {
    if (x.channels === 1) x = toChannels(x, 3);
    else y = toChannels(y, 3);
  }
  return [x, y];
}

/** One channel of an interleaved image as a float plane (0-255). */
export function plane(img: RawImage, channel: number): Float64Array {
  const n = img.width * img.height;
  const out = new Float64Array(n);
  const c = img.channels;
  for (let i = 0, j = channel; i < n; i++, j += c) out[i] = img.data[j]!;
  return out;
}
