// The seed's default dense layer widths (browser-safe: the train form shows them).

/** Default layer widths: a decreasing sandwich from the input down to the code. */
export function defaultDenseLayers(inputSize: number, codeSize: number, count = 2): number[] {
  const layers: number[] = [];
  for (let i = 1; i <= count; i++) {
    const ratio = i / (count + 1);
    layers.push(Math.max(codeSize * 2, Math.round((inputSize * Math.pow(codeSize / inputSize, ratio)) / 8) * 8));
  }
  return layers;
}
