// How the renderer labels a verdict (the words themselves come from core metrics/verdict.ts).
import type { ModelVerdict } from '../../../src-main/core/contract/eval';

/** "on 12 validation images of landscapes, 1 Dec" */
export function verdictOn(v: ModelVerdict | undefined): string {
  if (!v) return '';
  const split = v.split === 'val' ? 'validation ' : v.split === 'test' ? 'test ' : v.split === 'train' ? 'training ' : '';
  const of = v.dataset ? ` of ${v.dataset}` : '';
  return `on ${v.images} ${split}image${v.images === 1 ? '' : 's'}${of}`;
}

const MARK: Record<ModelVerdict['level'], string> = { 'beats-all': '▲', mixed: '◆', 'loses-all': '▼', unknown: '?' };

/** A table cell: "▲ beats JPEG, WebP · behind AVIF" (the words carry it; the mark and colour repeat it). */
export function shortVerdict(v: ModelVerdict | undefined): string {
  if (!v) return 'not measured';
  const won = v.standings.filter((s) => s.beats === true).map((s) => s.label);
  const lost = v.standings.filter((s) => s.beats === false).map((s) => s.label);
  const parts = [won.length ? `beats ${won.join(', ')}` : '', lost.length ? `behind ${lost.join(', ')}` : ''].filter(Boolean);
  return `${MARK[v.level]} ${parts.join(' · ') || 'not comparable'}`;
}
