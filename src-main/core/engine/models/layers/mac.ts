// Multiply-accumulates per pixel of the shared transforms (browser-safe: the model card and the
// train form show them). Decoder cost is a design parameter, reported beside every curve.

/** MAC per output position of a kxk conv. */
export function convMac(k: number, cin: number, cout: number): number {
  return k * k * cin * cout;
}

/** MAC per input pixel of the analysis (GDN's 1x1 conv counted). */
export function analysisMac(channels: number, n: number, m: number): number {
  // Output positions per pixel at strides 2, 4, 8, 16.
  return (convMac(5, channels, n) + n * n) / 4 + (convMac(5, n, n) + n * n) / 16 + (convMac(5, n, n) + n * n) / 64 + convMac(5, n, m) / 256;
}

/** MAC per output pixel of the synthesis. */
export function synthesisMac(channels: number, n: number, m: number): number {
  // Each up stage's conv runs at its input resolution: 1/256, 1/64, 1/16, 1/4 of the pixels.
  return (
    (convMac(3, m, 4 * n) + 4 * n * n) / 256 +
    (convMac(3, n, 4 * n) + 4 * n * n) / 64 +
    (convMac(3, n, 4 * n) + 4 * n * n) / 16 +
    convMac(3, n, 4 * channels) / 4
  );
}
