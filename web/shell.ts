// The signed-in app: header plus one main area; the terminal workspace lives on while other pages come and go.
import type { MeView } from '../shared/api-types';
import { auditPage } from './audit/audit-page';
import { desktopPage } from './desktop/desktop-page';
import { hostsPage } from './hosts/hosts-page';
import { livePage } from './live/live-page';
import { recordingPlayerPage } from './recordings/player-page';
import { recordingsPage } from './recordings/recordings-page';
import { currentRoute, navigate, onRouteChange, type Route } from './router';
import { settingsPage } from './settings/settings-page';
import { sharesPage } from './shares/shares-page';
import { TerminalWorkspace } from './terminal/workspace';
import { h } from './ui/dom';
import { createHeader } from './ui/header';

export interface Page {
  el: HTMLElement;
  dispose?(): void;
}

/** Mounts the app into `root`; returns a function that tears everything down (sockets included). */
export function startShell(root: HTMLElement, me: MeView, onLoggedOut: () => void): () => void {
  const header = createHeader(me, onLoggedOut);
  const main = h('main', { class: 'app-main', id: 'main' });
  const pageSlot = h('div', { class: 'page-slot' });
  // One workspace for the whole visit: navigating to Hosts and back must not drop the shells.
  const workspace = new TerminalWorkspace({
    canShare: me.permissions.share,
    onTabsChanged: (count) => header.setTerminalCount(count),
    onEmpty: () => {
      if (currentRoute().path === '/terminal') navigate('/hosts');
    },
  });
  main.append(pageSlot, workspace.el);
  root.replaceChildren(header.el, main);
  root.classList.add('app');

  let page: Page | null = null;
  function show(route: Route): void {
    header.setRoute(route.path);
    page?.dispose?.();
    page = null;
    const onTerminal = route.path === '/terminal';
    main.classList.toggle('is-full', onTerminal);
    pageSlot.hidden = onTerminal;
    if (onTerminal) {
      const hostId = route.query.get('host');
      // `/terminal?host=ID[&user=NAME]` (a Connect link, maybe opened in a new browser tab) opens a fresh session once.
      if (hostId) history.replaceState(null, '', '/terminal');
      workspace.show(hostId, route.query.get('user') ?? undefined);
      return;
    }
    workspace.hide();
    const onDesktop = route.path === '/desktop';
    // Watching a live session fills the main area like a desktop does.
    main.classList.toggle('is-full', onDesktop || (route.path === '/live' && route.query.has('watch')));
    const next =
      route.path === '/settings' ? settingsPage(me)
      : route.path === '/shares' ? sharesPage(me)
      : route.path === '/audit' ? auditPage(route.query)
      : route.path === '/recordings' ? recordingsPage(route.query, me)
      : route.path === '/recordings/play' ? recordingPlayerPage(route.query)
      : route.path === '/live' ? livePage(route.query, me)
      : onDesktop ? desktopPage(route.query, me.permissions.share)
      : hostsPage({ workspace, me });
    page = next;
    pageSlot.replaceChildren(next.el);
    const titles: Partial<Record<Route['path'], string>> = { '/settings': 'Settings', '/shares': 'Sharing', '/audit': 'Audit log', '/desktop': 'Desktop', '/recordings': 'Recordings', '/recordings/play': 'Recording', '/live': 'Live sessions' };
    document.title = `${titles[route.path] ?? 'Hosts'} · Porthole`;
    main.scrollTop = 0;
  }

  const stopRouting = onRouteChange(show);
  show(currentRoute());
  void workspace.restore();

  return () => {
    stopRouting();
    page?.dispose?.();
    workspace.dispose();
  };
}
