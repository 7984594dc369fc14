// Multiply-accumulates per pixel of the shared transforms (browser-safe: the model card and the
// train form show them). Decoder cost is a design parameter, reported beside every curve.

/** MAC per output position of a kxk conv. */
export function convMac(k: number, cin: number, cout: number): number {
  return k * k * cin * cout;
}

/** MAC per input pixel of the analysis with `stages` stride-2 convolutions (GDN's 1x1 conv counted). */
export function analysisMac(channels: number, n: number, m: number, stages = 4): number {
  let sum = 0;
  for (let i = 0; i < stages; i++) {
    const last = i === stages - 1;
    // Output positions per pixel at strides 2, 4, 8, ...
    sum += (convMac(5, i === 0 ? channels : n, last ? m : n) + (last ? 0 : n * n)) / 4 ** (i + 1);
  }
  return sum;
}

/** MAC per output pixel of the synthesis with `stages` up stages. */
export function synthesisMac(channels: number, n: number, m: number, stages = 4): number {
  let sum = 0;
  for (let i = 0; i < stages; i++) {
    const last = i === stages - 1;
    // Each up stage's conv runs at its input resolution: 1/4^stages ... 1/4 of the pixels.
    sum += (convMac(3, i === 0 ? m : n, 4 * (last ? channels : n)) + (last ? 0 : 4 * n * n)) / 4 ** (stages - i);
  }
  return sum;
}
