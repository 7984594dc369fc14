// Reading the model card the catalog hands over as a plain object: a one-line description of
// the architecture and the final validation figures.

/** The fields of the engine's ModelCard (src-main/core/engine/model-card.ts) the UI reads. */
interface Card {
  arch?: 'dense' | 'conv';
  hyper?:
    | { arch: 'dense'; tile: number; encoderLayers: number[]; codeSize: number }
    | { arch: 'conv'; downsampling: number; codeChannels: number };
  channels?: 1 | 3;
  history?: { epoch: number; valPsnr: number | null }[];
  decoderBytes?: number;
}

export function asCard(card: Record<string, unknown>): Card {
  return card as Card;
}

export function describeArch(card: Record<string, unknown>): string {
  const c = asCard(card);
  const h = c.hyper;
  if (!h) return c.arch ?? '–';
  if (h.arch === 'dense') {
    const layers = [...(h.encoderLayers ?? []), h.codeSize].join('-');
    return `dense ${layers}${h.tile ? `, ${h.tile}px tiles` : ''}`;
  }
  return `conv ÷${h.downsampling}, ${h.codeChannels} code ch.`;
}

export function codeSizeOf(card: Record<string, unknown>): number | null {
  const h = asCard(card).hyper;
  if (!h) return null;
  return h.arch === 'dense' ? h.codeSize : h.codeChannels;
}

export function finalValPsnr(card: Record<string, unknown>): number | null {
  const hist = asCard(card).history ?? [];
  for (let i = hist.length - 1; i >= 0; i--) {
    const v = hist[i]?.valPsnr;
    if (typeof v === 'number') return v;
  }
  return null;
}
