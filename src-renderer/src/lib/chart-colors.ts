// Series colours and marks: fixed per codec so every chart agrees, from the Okabe-Ito palette
// (distinguishable with the common colour-vision deficiencies), and a point shape per series so
// lines tell apart without colour at all.
const CODEC_COLORS: Record<string, string> = {
  latent: '#0072B2',
  jpeg: '#E69F00',
  webp: '#009E73',
  avif: '#CC79A7',
  base: '#7a7a7a',
  png: '#999999',
};
const PALETTE = ['#D55E00', '#56B4E9', '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#7a7a7a'];

const CODEC_SHAPES: Record<string, PointShape> = {
  latent: 'circle',
  jpeg: 'rect',
  webp: 'triangle',
  avif: 'rectRot',
  base: 'crossRot',
};
const SHAPES = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot', 'rectRounded'] as const;
export type PointShape = (typeof SHAPES)[number];

export function seriesColor(name: string, index: number): string {
  return CODEC_COLORS[name.toLowerCase()] ?? PALETTE[index % PALETTE.length]!;
}

export function seriesShape(name: string, index: number): PointShape {
  return CODEC_SHAPES[name.toLowerCase()] ?? SHAPES[index % SHAPES.length]!;
}

/** Theme colours for chart text and grid, read from the CSS variables of the current scheme. */
export function themeColors(): { text: string; muted: string; grid: string; bg: string } {
  const s = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return { text: v('--text', '#1d2127'), muted: v('--muted', '#5d6673'), grid: v('--border', '#d8dde4'), bg: v('--panel', '#ffffff') };
}
