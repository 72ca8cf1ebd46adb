// The audit log page (/audit, admins): filtered events newest first, "Load more" paging, and an export of the same filters as JSON lines.
import './audit.css';
import type { AuditPageView } from '../../shared/audit-types';
import { errorText } from '../api';
import { request } from '../api/client';
import type { Page } from '../shell';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { filterBar } from './audit-filters';
import { apiQuery, filtersFromQuery, hasFilters, pageQuery } from './audit-query';
import { auditRow, auditTable } from './audit-table';
import { pageHead } from '../ui/page-head';

const PAGE_SIZE = 100;

/** The shared icon set has no download arrow: its upload glyph, drawn the other way. */
function downloadIcon(): SVGSVGElement {
  const svg = icon('upload', 16);
  svg.querySelector('path')?.setAttribute('d', 'M12 4v12M7 11l5 5 5-5M4 20h16');
  return svg;
}

export function auditPage(query: URLSearchParams): Page {
  let filters = filtersFromQuery(query);
  let next: string | null = null;
  /** Bumped per load: an answer to an older filter never lands in the table. */
  let generation = 0;
  let disposed = false;
  const people = new Set<string>();
  const hosts = new Set<string>();

  // A plain link: the browser downloads the file itself (the router leaves /api/ links alone).
  const exportLink = h('a', { class: 'btn', download: '', title: 'Download the events these filters match, oldest first, one JSON object a line' }, downloadIcon(), 'Export JSON lines');
  const bar = filterBar(filters, (changed) => {
    filters = changed;
    history.replaceState(null, '', `/audit${pageQuery(filters)}`);
    void load(false);
  });
  const table = auditTable();
  const results = h('div', { class: 'card audit-results', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, icon('down', 16), 'Load more');
  more.addEventListener('click', () => void load(true));
  const status = h('p', { class: 'muted audit-status', role: 'status' });
  const el = h(
    'div',
    { class: 'page audit-page' },
    pageHead('Audit log', 'Who did what on this gateway: logins, sessions, share links, host and key changes.', exportLink),
    bar.el,
    results,
    h('div', { class: 'audit-foot' }, status, more),
  );

  function empty(): HTMLElement {
    const filtered = hasFilters(filters);
    return h(
      'div',
      { class: 'empty audit-empty' },
      icon('shield', 32),
      h('h2', null, filtered ? 'No events match these filters' : 'Nothing recorded yet'),
      h('p', null, filtered ? 'Widen the dates or clear a filter.' : 'Logins, sessions, share links and host changes appear here as they happen.'),
    );
  }

  async function load(append: boolean): Promise<void> {
    const mine = ++generation;
    exportLink.href = `/api/audit/export${apiQuery(filters)}`;
    more.disabled = true;
    more.classList.toggle('is-busy', append);
    if (!append) {
      results.setAttribute('aria-busy', 'true');
      replaceChildren(results, h('div', { class: 'audit-loading row muted' }, h('span', { class: 'spinner' }), 'Loading…'));
    }
    try {
      const page = await request<AuditPageView>('GET', `/api/audit${apiQuery(filters, { limit: String(PAGE_SIZE), ...(append && next ? { before: next } : {}) })}`);
      if (disposed || mine !== generation) return;
      if (!append) {
        table.body.replaceChildren();
        replaceChildren(results, page.events.length ? table.el : empty());
      }
      table.body.append(...page.events.map(auditRow));
      for (const e of page.events) {
        people.add(e.actor.name);
        if (e.hostName) hosts.add(e.hostName);
      }
      bar.suggest(people, hosts);
      next = page.next;
      const shown = table.body.rows.length;
      status.textContent = shown ? `${shown} event${shown === 1 ? '' : 's'}${next ? ', newest first; older ones below' : ''}` : '';
      more.hidden = next === null;
    } catch (err) {
      if (disposed || mine !== generation) return;
      const alert = h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Could not load the audit log: ${errorText(err)}`));
      if (append) status.replaceChildren(alert);
      else replaceChildren(results, alert);
    } finally {
      if (mine === generation) {
        results.removeAttribute('aria-busy');
        more.disabled = false;
        more.classList.remove('is-busy');
      }
    }
  }

  void load(false);
  return {
    el,
    dispose() {
      disposed = true;
    },
  };
}
