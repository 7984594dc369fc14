// SVG export of a chart.js line/scatter chart, drawn from the chart's own computed layout (scales,
// ticks, chart area), so the SVG matches what is on screen. chart.js itself only draws to canvas.
import type { Chart } from 'chart.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface ScaleLike {
  ticks: { value: number; label?: string | string[] | number }[];
  getPixelForValue(v: number): number;
  options: { title?: { display?: boolean; text?: string | string[] } };
}

function titleText(scale: ScaleLike): string {
  const t = scale.options.title;
  if (!t?.display || !t.text) return '';
  return Array.isArray(t.text) ? t.text.join(' ') : t.text;
}

function tickLabel(t: { value: number; label?: string | string[] | number }): string {
  if (t.label === undefined) return String(t.value);
  return Array.isArray(t.label) ? t.label.join(' ') : String(t.label);
}

export function chartToSvg<T extends { x: number; y: number }>(
  chart: Chart<'line', T[]>,
  colors: { text: string; grid: string; bg: string },
  title = '',
): string {
  const w = chart.width;
  const h = chart.height;
  const area = chart.chartArea;
  const x = chart.scales.x as unknown as ScaleLike;
  const y = chart.scales.y as unknown as ScaleLike;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + (title ? 24 : 0)}" viewBox="0 ${title ? -24 : 0} ${w} ${h + (title ? 24 : 0)}" font-family="system-ui, sans-serif" font-size="11">`,
  );
  out.push(`<rect x="0" y="${title ? -24 : 0}" width="${w}" height="${h + (title ? 24 : 0)}" fill="${colors.bg}"/>`);
  if (title)
    out.push(`<text x="${w / 2}" y="-8" text-anchor="middle" font-size="13" font-weight="600" fill="${colors.text}">${esc(title)}</text>`);
  for (const t of x.ticks) {
    const px = x.getPixelForValue(t.value);
    if (px < area.left - 0.5 || px > area.right + 0.5) continue;
    out.push(`<line x1="${px}" y1="${area.top}" x2="${px}" y2="${area.bottom}" stroke="${colors.grid}"/>`);
    out.push(`<text x="${px}" y="${area.bottom + 14}" text-anchor="middle" fill="${colors.text}">${esc(tickLabel(t))}</text>`);
  }
  for (const t of y.ticks) {
    const py = y.getPixelForValue(t.value);
    if (py < area.top - 0.5 || py > area.bottom + 0.5) continue;
    out.push(`<line x1="${area.left}" y1="${py}" x2="${area.right}" y2="${py}" stroke="${colors.grid}"/>`);
    out.push(`<text x="${area.left - 6}" y="${py + 4}" text-anchor="end" fill="${colors.text}">${esc(tickLabel(t))}</text>`);
  }
  out.push(
    `<rect x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}" fill="none" stroke="${colors.text}" stroke-opacity="0.5"/>`,
  );
  const xt = titleText(x);
  const yt = titleText(y);
  if (xt) out.push(`<text x="${(area.left + area.right) / 2}" y="${h - 4}" text-anchor="middle" fill="${colors.text}">${esc(xt)}</text>`);
  if (yt)
    out.push(
      `<text transform="translate(12 ${(area.top + area.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="${colors.text}">${esc(yt)}</text>`,
    );
  out.push(
    `<defs><clipPath id="area"><rect x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}"/></clipPath></defs>`,
  );
  let legendX = area.left;
  chart.data.datasets.forEach((ds, i) => {
    if (!chart.isDatasetVisible(i)) return;
    const color = String(ds.borderColor ?? '#000');
    const pts = ds.data
      .filter((p) => p && Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p) => [x.getPixelForValue(p.x), y.getPixelForValue(p.y)] as const);
    const dashed =
      Array.isArray((ds as { borderDash?: number[] }).borderDash) && ((ds as { borderDash?: number[] }).borderDash?.length ?? 0) > 0;
    out.push(`<g clip-path="url(#area)">`);
    if (pts.length > 1)
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`,
      );
    for (const [a, b] of pts) out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`</g>`);
    const label = String(ds.label ?? `series ${i + 1}`);
    out.push(`<rect x="${legendX}" y="6" width="12" height="12" fill="${color}"/>`);
    out.push(`<text x="${legendX + 16}" y="16" fill="${colors.text}">${esc(label)}</text>`);
    legendX += 28 + label.length * 6.5;
  });
  out.push('</svg>');
  return out.join('\n');
}
