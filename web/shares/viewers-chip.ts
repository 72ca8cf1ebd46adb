// The owner's "2 watching" chip: who else is attached to this session, in a small popover with a Remove button each.
import type { SessionViewerInfo } from '../../shared/share-types';
import { api } from '../api';
import { runConfirmed } from '../ui/confirmed-action';
import { h, relativeTime, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';

const ROLE_TEXT: Record<SessionViewerInfo['role'], string> = { owner: 'owner', control: 'can type', view: 'watching' };

/** Everyone but owners: the person at this page is the owner, and so is any other tab of theirs. */
export function guestsOf(viewers: readonly SessionViewerInfo[]): SessionViewerInfo[] {
  return viewers.filter((v) => v.role !== 'owner');
}

export function watchingText(count: number): string {
  return `${count} watching`;
}

export interface ViewersChip {
  el: HTMLElement;
  update(sessionId: string | null, viewers: readonly SessionViewerInfo[]): void;
}

export function createViewersChip(): ViewersChip {
  const count = h('span', null, '');
  const list = h('ul', { class: 'viewers-list' });
  const summary = h('summary', { class: 'btn btn-sm viewers-chip', title: 'Who is watching this session' }, icon('eye', 16), count);
  const el = h('details', { class: 'viewers', hidden: true }, summary, h('div', { class: 'card viewers-pop', role: 'dialog', 'aria-label': 'Viewers of this session' }, h('h3', null, 'Watching now'), list));
  let sessionId: string | null = null;
  // Esc closes the popover and gives the focus back to the chip, as a dialog would.
  el.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || !el.open) return;
    ev.preventDefault();
    ev.stopPropagation();
    el.open = false;
    summary.focus();
  });
  // A click elsewhere closes it; listened to only while open, so a chip that goes away leaves nothing behind.
  const onOutside = (ev: MouseEvent): void => {
    if (!el.contains(ev.target as Node)) el.open = false;
  };
  el.addEventListener('toggle', () => {
    if (el.open) document.addEventListener('click', onOutside);
    else document.removeEventListener('click', onOutside);
  });

  function row(v: SessionViewerInfo): HTMLElement {
    const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': `Remove ${v.name}` }, icon('close', 14), 'Remove');
    remove.addEventListener('click', () => {
      const sid = sessionId;
      if (!sid) return;
      el.open = false;
      void runConfirmed({
        title: `Remove ${v.name}?`,
        consequence: v.linkId ? `${v.name} is cut off at once. The link itself keeps working until you revoke it on the Sharing page.` : `${v.name} is cut off at once.`,
        confirmLabel: 'Remove',
        run: () => api.removeViewer(sid, v.id),
        done: `${v.name} removed`,
      });
    });
    return h(
      'li',
      null,
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, v.name.slice(0, 1).toUpperCase()),
      h('span', { class: 'viewer-text' }, h('span', { class: 'viewer-name' }, v.name), h('span', { class: 'hint' }, `${ROLE_TEXT[v.role]} · joined ${relativeTime(v.since)}`)),
      remove,
    );
  }

  return {
    el,
    update(id, viewers) {
      sessionId = id;
      const guests = guestsOf(viewers);
      el.hidden = guests.length === 0;
      if (guests.length === 0) el.open = false;
      count.textContent = watchingText(guests.length);
      summary.setAttribute('aria-label', `${watchingText(guests.length)}: show who`);
      replaceChildren(list, guests.map(row));
    },
  };
}
