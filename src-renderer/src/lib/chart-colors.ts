// Series colours: fixed per classical codec so every chart agrees, a palette for models.
const CODEC_COLORS: Record<string, string> = {
  jpeg: '#d9822b',
  webp: '#2a9d8f',
  avif: '#9b5de5',
  png: '#8d99ae',
  latent: '#3b6fe0',
  base: '#7f8fa6',
};
const PALETTE = ['#e63946', '#2b9348', '#f4a261', '#6d597a', '#0096c7', '#bc6c25', '#b5179e'];

export function seriesColor(name: string, index: number): string {
  return CODEC_COLORS[name.toLowerCase()] ?? PALETTE[index % PALETTE.length]!;
}

/** Theme colours for chart text and grid, read from the CSS variables of the current scheme. */
export function themeColors(): { text: string; muted: string; grid: string; bg: string } {
  const s = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return { text: v('--text', '#1d2127'), muted: v('--muted', '#5d6673'), grid: v('--border', '#d8dde4'), bg: v('--panel', '#ffffff') };
}
