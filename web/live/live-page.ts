// The Live page (/live, admins): every session open through the gateway now, refreshed every few seconds, with Watch and End; /live?watch=ID watches one.
import type { MeView } from '../../shared/api-types';
import type { LiveSessionView } from '../../shared/recording-types';
import { errorText } from '../api';
import type { Page } from '../shell';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { listLiveSessions } from './live-api';
import { liveItem, tickSince } from './live-item';
import { orderLive } from './live-labels';
import { watchView } from './watch-view';
import './live.css';
import { pageHead } from '../ui/page-head';
import { pollWhileVisible } from '../ui/poll';

/** Sessions open and close without telling this page: a light poll keeps the list honest. */
const REFRESH_MS = 4_000;

export function livePage(query: URLSearchParams, me: MeView): Page {
  const watch = query.get('watch');
  if (me.permissions.role !== 'admin') return notForYou();
  if (watch) return watchView(watch);

  const list = h('div', { class: 'live-list', 'aria-busy': 'true' }, h('div', { class: 'card live-item is-skeleton', 'aria-hidden': 'true' }));
  const count = h('span', { class: 'badge live-count', hidden: true });
  const el = h(
    'div',
    { class: 'page' },
    pageHead(['Live sessions', ' ', count], 'Every terminal and desktop open through this gateway right now. Watching is read-only, and the owner sees you in their viewer list.'),
    list,
  );
  let disposed = false;
  let loading = false;
  let shown = '';

  async function load(): Promise<void> {
    if (loading) return;
    loading = true;
    try {
      const sessions = orderLive(await listLiveSessions());
      if (disposed) return;
      // Re-render only on a change, so a poll never steals the keyboard focus from a button in the list.
      const json = JSON.stringify(sessions);
      if (json !== shown) {
        shown = json;
        render(sessions);
      }
      tickSince(list);
    } catch (err) {
      if (disposed) return;
      shown = '';
      list.removeAttribute('aria-busy');
      replaceChildren(list, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Could not load live sessions: ${errorText(err)}`)));
    } finally {
      loading = false;
    }
  }

  function render(sessions: LiveSessionView[]): void {
    list.removeAttribute('aria-busy');
    count.hidden = sessions.length === 0;
    count.textContent = String(sessions.length);
    if (sessions.length === 0) {
      replaceChildren(list, h('div', { class: 'empty' }, icon('radar', 32), h('h2', null, 'No live sessions'), h('p', null, 'Terminals and desktops show up here while they run.')));
      return;
    }
    replaceChildren(list, sessions.map((s) => liveItem(s, { changed: () => void load() })));
  }

  const stopPolling = pollWhileVisible(() => void load(), REFRESH_MS);
  void load();
  return {
    el,
    dispose() {
      disposed = true;
      stopPolling();
    },
  };
}

/** The header shows no Live entry to others; a typed-in /live says why there is nothing here. */
function notForYou(): Page {
  return {
    el: h(
      'div',
      { class: 'page' },
      h('div', { class: 'empty' }, icon('lock', 32), h('h2', null, 'Admins only'), h('p', null, 'Only admins see everyone\'s live sessions. Your own are on the Hosts page.')),
    ),
  };
}
