// History-API routing for the few pages there are; links with a same-origin href navigate without a reload.

export const ROUTES = ['/hosts', '/terminal', '/desktop', '/shares', '/settings', '/login', '/audit', '/live', '/recordings', '/recordings/play'] as const;
export type RoutePath = (typeof ROUTES)[number];

export interface Route {
  path: RoutePath;
  query: URLSearchParams;
}

const listeners = new Set<(route: Route) => void>();

/** The current route; `/` and unknown paths show the hosts page. */
export function currentRoute(): Route {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const known = (ROUTES as readonly string[]).includes(path) ? (path as RoutePath) : '/hosts';
  return { path: known, query: new URLSearchParams(location.search) };
}

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (url !== location.pathname + location.search) {
    if (options.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
  }
  emit();
}

export function onRouteChange(listener: (route: Route) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(): void {
  const route = currentRoute();
  for (const listener of listeners) listener(route);
}

/** Turns plain clicks on in-app links into navigations; modified clicks (new tab, download) stay native. */
export function startRouter(): void {
  window.addEventListener('popstate', emit);
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const link = (ev.target as Element | null)?.closest?.('a[href]');
    if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/') || url.pathname.startsWith('/api/')) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
}
