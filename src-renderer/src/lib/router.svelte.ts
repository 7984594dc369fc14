// Which view is showing, kept in the URL hash (#/compare?model=..) so Back works and a view
// can be linked to. Views read `router.params` for their selection.
export const VIEWS = [
  { id: 'library', label: 'Library', key: '1' },
  { id: 'import', label: 'Import', key: '2' },
  { id: 'train', label: 'Train', key: '3' },
  { id: 'compare', label: 'Compare', key: '4' },
  { id: 'charts', label: 'Charts', key: '5' },
  { id: 'batch', label: 'Batch', key: '6' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

function isViewId(s: string): s is ViewId {
  return VIEWS.some((v) => v.id === s);
}

function parseHash(hash: string): { view: ViewId; params: Record<string, string> } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = isViewId(path) ? path : 'library';
  return { view, params: Object.fromEntries(new URLSearchParams(query)) };
}

class Router {
  view = $state<ViewId>('library');
  params = $state<Record<string, string>>({});

  constructor() {
    this.apply();
    window.addEventListener('hashchange', () => this.apply());
  }

  private apply(): void {
    const { view, params } = parseHash(window.location.hash);
    this.view = view;
    this.params = params;
  }

  go(view: ViewId, params: Record<string, string | number | undefined> = {}): void {
    const hash = this.href(view, params);
    if (window.location.hash === hash) this.apply();
    else window.location.hash = hash;
  }

  href(view: ViewId, params: Record<string, string | number | undefined> = {}): string {
    const qs = Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    return `#/${view}${qs ? `?${qs}` : ''}`;
  }
}

export const router = new Router();
