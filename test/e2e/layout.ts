// Text cut off in the page: an element that hides its overflow (or ends it with an ellipsis) while
// its content is wider or taller than its box. Scroll containers (overflow auto/scroll) are meant
// to scroll and are not counted; neither are form controls, whose text the browser clips itself.
import type { Page } from '@playwright/test';

export async function clippedText(page: Page, within = 'main'): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(`${selector} *`)) {
      if (['INPUT', 'SELECT', 'TEXTAREA', 'OPTION', 'CANVAS', 'IMG', 'svg'].includes(el.tagName)) continue;
      if (!el.textContent?.trim() || el.getClientRects().length === 0) continue;
      const cs = getComputedStyle(el);
      const clipsX = ['hidden', 'clip'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis';
      const clipsY = ['hidden', 'clip'].includes(cs.overflowY);
      const cutX = clipsX && el.scrollWidth > el.clientWidth + 1;
      const cutY = clipsY && el.scrollHeight > el.clientHeight + 1;
      if (!cutX && !cutY) continue;
      // The visually-hidden helper class clips on purpose.
      if (el.classList.contains('sr-only') || el.closest('.sr-only')) continue;
      const text = el.textContent.trim().replace(/\s+/g, ' ').slice(0, 60);
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${cutX ? 'width' : 'height'}): ${text}`);
    }
    // A chart squeezed narrower than this cuts its legend and axis labels (drawn on the canvas).
    for (const c of document.querySelectorAll<HTMLCanvasElement>(`${selector} canvas`)) {
      if (c.getClientRects().length > 0 && c.clientWidth < 240)
        out.push(`chart ${c.getAttribute('aria-label')?.slice(0, 60) ?? ''} squeezed to ${c.clientWidth} px`);
    }
    return out;
  }, within);
}

export const WINDOW_SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
] as const;
