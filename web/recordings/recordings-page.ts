// The Recordings page (/recordings): full-text search, filters, and the list of recorded sessions, newest first, a page at a time.
import type { HostProtocol, MeView } from '../../shared/api-types';
import type { RecordingView } from '../../shared/recording-types';
import { api, errorText } from '../api';
import type { Page } from '../shell';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { createRecordingFilters, type FilterValues } from './recording-filters';
import { recordingRow, recordingTable } from './recording-row';
import { createRecordingSearch } from './recording-search';
import { PAGE_SIZE, recordingsApi } from './recordings-api';
import './recordings.css';
import { pageHead } from '../ui/page-head';

export function recordingsPage(query: URLSearchParams, me: MeView): Page {
  const admin = me.permissions.role === 'admin';
  const initial: FilterValues = { host: query.get('host') ?? '', protocol: (query.get('protocol') ?? '') as HostProtocol | '', user: query.get('user') ?? '' };
  const search = createRecordingSearch((text) => remember({ q: text }));
  const filters = createRecordingFilters(initial, () => {
    const v = filters.values();
    remember({ host: v.host, protocol: v.protocol, user: v.user });
    void reload();
  });
  const list = h('div', { class: 'recording-list', 'aria-busy': 'true' }, h('div', { class: 'card recording-skeleton', 'aria-hidden': 'true' }));
  const more = h('button', { type: 'button', class: 'btn recording-more', hidden: true }, 'Load more');
  const el = h(
    'div',
    { class: 'page recordings-page' },
    pageHead('Recordings', admin ? 'Every recorded session on this gateway. Search finds a command or text and opens the player at that moment.' : 'Recorded sessions you may see. Search finds a command or text and opens the player at that moment.'),
    search.form,
    search.results,
    h('div', { class: 'recording-list-head' }, h('h2', null, 'Sessions'), filters.el),
    list,
    h('div', { class: 'recording-more-row' }, more),
  );

  const table = recordingTable();
  let shown: RecordingView[] = [];
  let generation = 0;
  let disposed = false;

  async function reload(): Promise<void> {
    const mine = ++generation;
    list.setAttribute('aria-busy', 'true');
    more.hidden = true;
    try {
      const page = await recordingsApi.list(filterQuery());
      if (disposed || mine !== generation) return;
      shown = page;
      render(page.length === PAGE_SIZE);
    } catch (err) {
      if (disposed || mine !== generation) return;
      list.removeAttribute('aria-busy');
      replaceChildren(list, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Could not load recordings: ${errorText(err)}`)));
    }
  }

  async function loadMore(): Promise<void> {
    const last = shown[shown.length - 1];
    if (!last) return;
    const mine = generation;
    more.disabled = true;
    more.classList.add('is-busy');
    try {
      const page = await recordingsApi.list({ ...filterQuery(), before: last.startedAt });
      if (disposed || mine !== generation) return;
      shown = [...shown, ...page];
      for (const rec of page) table.body.append(row(rec));
      more.hidden = page.length < PAGE_SIZE;
      // Keep the keyboard where the new rows start, not on a button that may now be gone.
      table.body.querySelector<HTMLAnchorElement>(`tr[data-recording="${CSS.escape(page[0]?.id ?? '')}"] a`)?.focus();
    } catch (err) {
      replaceChildren(more, `Load more (failed: ${errorText(err)})`);
    } finally {
      more.disabled = false;
      more.classList.remove('is-busy');
    }
  }
  more.addEventListener('click', () => void loadMore());

  function filterQuery() {
    const v = filters.values();
    return { host: v.host || undefined, protocol: v.protocol || undefined, user: v.user || undefined };
  }

  function row(rec: RecordingView): HTMLTableRowElement {
    return recordingRow(rec, {
      canDelete: admin,
      deleted: (gone) => {
        shown = shown.filter((r) => r.id !== gone.id);
        table.body.querySelector(`tr[data-recording="${CSS.escape(gone.id)}"]`)?.remove();
        if (shown.length === 0) render(false);
      },
    });
  }

  function render(hasMore: boolean): void {
    list.removeAttribute('aria-busy');
    more.hidden = !hasMore;
    replaceChildren(more, 'Load more');
    if (shown.length === 0) {
      replaceChildren(list, emptyState());
      return;
    }
    table.body.replaceChildren(...shown.map(row));
    replaceChildren(list, h('div', { class: 'card recording-table-card' }, table.el));
  }

  function emptyState(): HTMLElement {
    if (filters.isFiltered()) {
      return h('div', { class: 'empty' }, icon('search', 32), h('h2', null, 'No recordings match these filters'), h('button', { type: 'button', class: 'btn', onclick: () => filters.clear() }, icon('close', 16), 'Clear filters'));
    }
    return h(
      'div',
      { class: 'empty' },
      icon('film', 32),
      h('h2', null, 'No recordings yet'),
      h('p', null, admin ? 'A session is recorded when its host’s recording policy is on (Hosts, then Edit). It shows up here as soon as it starts.' : 'Sessions on hosts that record show up here as soon as they start.'),
    );
  }

  /** Keeps the search and filters in the address, so Back from the player returns to the same view. */
  function remember(changes: Record<string, string>): void {
    const next = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const text = next.toString();
    history.replaceState(history.state, '', `${location.pathname}${text ? `?${text}` : ''}`);
  }

  api.listHosts().then(
    (hosts) => {
      if (!disposed) filters.setHosts(hosts);
    },
    () => undefined,
  );
  const q = query.get('q');
  if (q) search.run(q);
  void reload();

  return {
    el,
    dispose() {
      disposed = true;
      search.dispose();
    },
  };
}
