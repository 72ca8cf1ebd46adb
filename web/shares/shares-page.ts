// The Sharing page (/shares): every link I gave out (admins: everyone's), live guests, Revoke, activity, and New link.
import type { MeView } from '../../shared/api-types';
import type { ShareLinkView } from '../../shared/share-types';
import { api, errorText } from '../api';
import type { Page } from '../shell';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { shareCard, tickExpiries, type CardWithEvents } from './share-card';
import { openShareDialog } from './share-dialog';
import { pageHead } from '../ui/page-head';
import { pollWhileVisible } from '../ui/poll';

/** Guests come and go without telling this page; a light poll keeps "Connected now" honest. */
const REFRESH_MS = 10_000;

/** Active links first (soonest to end on top), then the rest, newest first. */
export function orderLinks(links: readonly ShareLinkView[]): ShareLinkView[] {
  return [...links].sort((a, b) => {
    const aActive = a.state === 'active' ? 0 : 1;
    const bActive = b.state === 'active' ? 0 : 1;
    if (aActive !== bActive) return aActive - bActive;
    return aActive === 0 ? a.expiresAt - b.expiresAt : b.createdAt - a.createdAt;
  });
}

export function sharesPage(me: MeView): Page {
  const list = h('div', { class: 'share-list', 'aria-busy': 'true' }, h('div', { class: 'card share-card is-skeleton', 'aria-hidden': 'true' }));
  const create = me.permissions.share ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void createLink() }, icon('plus', 16), 'New link') : null;
  const el = h(
    'div',
    { class: 'page' },
    pageHead('Sharing', me.permissions.role === 'admin' ? 'Every share link on this gateway. A link works until it expires, is used up, or is revoked.' : 'Links you gave out. A link works until it expires, is used up, or you revoke it.', create),
    list,
  );
  let links: ShareLinkView[] = [];
  let disposed = false;
  let loading = false;
  let shown = '';
  let lastRanOut = 0;

  async function load(): Promise<void> {
    if (loading) return;
    loading = true;
    try {
      const loaded = await api.listShares();
      if (disposed) return;
      // Re-render only on a change, so a poll never steals the keyboard focus from a button in the list.
      const json = JSON.stringify(loaded);
      if (json === shown) return;
      shown = json;
      links = orderLinks(loaded);
      render();
    } catch (err) {
      if (disposed) return;
      list.removeAttribute('aria-busy');
      replaceChildren(list, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Could not load share links: ${errorText(err)}`)));
    } finally {
      loading = false;
    }
  }

  function render(): void {
    list.removeAttribute('aria-busy');
    // Keep open activity panels open across a refresh.
    const open = new Set([...list.querySelectorAll<CardWithEvents>('.share-card')].filter((c) => c.events?.open).map((c) => c.dataset.link));
    if (links.length === 0) {
      replaceChildren(
        list,
        h(
          'div',
          { class: 'empty' },
          icon('link', 32),
          h('h2', null, 'No share links yet'),
          h('p', null, me.permissions.share ? 'Share a host from its card, or a running session from its toolbar. Links end on their own.' : 'Your grants do not include sharing; an admin can add "share": true.'),
          create ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void createLink() }, icon('plus', 16), 'New link') : null,
        ),
      );
      return;
    }
    replaceChildren(
      list,
      links.map((link) => {
        const card = shareCard(link, { changed: () => void load() });
        card.dataset.link = link.id;
        if (open.has(link.id)) (card as CardWithEvents).events?.show();
        return card;
      }),
    );
  }

  async function createLink(): Promise<void> {
    if (await openShareDialog(null)) await load();
  }

  const ticker = window.setInterval(() => {
    // A link ran out: ask the server (at most every few seconds, in case the clocks disagree).
    if (tickExpiries(list, links) && Date.now() - lastRanOut > 5000) {
      lastRanOut = Date.now();
      void load();
    }
  }, 1000);
  const stopPolling = pollWhileVisible(() => void load(), REFRESH_MS);

  void load();
  return {
    el,
    dispose() {
      disposed = true;
      window.clearInterval(ticker);
      stopPolling();
    },
  };
}
