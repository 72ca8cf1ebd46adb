// One share link on the Sharing page: what, for whom, until when, who is connected now, Revoke and the audit trail.
import type { GuestView, ShareLinkView } from '../../shared/share-types';
import { api } from '../api';
import { runConfirmed } from '../ui/confirmed-action';
import { formatCountdown } from '../ui/countdown';
import { h, relativeTime } from '../ui/dom';
import { icon } from '../ui/icons';
import { shareEvents, type ShareEvents } from './share-events';
import { AUDIENCE_LABEL, describeTarget, MODE_LABEL, STATE_LABEL, stateTone, usesText } from './share-labels';

export interface ShareCardHooks {
  changed(): void;
}

/** The expiry text, refreshed every second by the page: "ends in 14:32", or when it stopped. */
export function expiryText(link: Pick<ShareLinkView, 'state' | 'expiresAt' | 'revokedAt'>, now = Date.now()): string {
  if (link.state === 'active') return `ends in ${formatCountdown(link.expiresAt - now)}`;
  if (link.state === 'revoked' && link.revokedAt) return `revoked ${relativeTime(link.revokedAt, now)}`;
  if (link.state === 'expired' || link.expiresAt <= now) return `expired ${relativeTime(link.expiresAt, now)}`;
  return `would have ended ${relativeTime(link.expiresAt, now)}`;
}

function guestRow(link: ShareLinkView, guest: GuestView, hooks: ShareCardHooks): HTMLElement {
  const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': `Remove ${guest.name}` }, icon('close', 14), 'Remove');
  remove.addEventListener('click', () =>
    void runConfirmed({
      title: `Remove ${guest.name}?`,
      consequence: `${guest.name} is cut off at once. The link keeps working for others until it ends or you revoke it.`,
      confirmLabel: 'Remove',
      run: () => api.removeShareGuest(link.id, guest.id),
      done: `${guest.name} removed`,
      after: hooks.changed,
    }),
  );
  return h(
    'li',
    null,
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, guest.name.slice(0, 1).toUpperCase()),
    h('span', { class: 'viewer-text' }, h('span', { class: 'viewer-name' }, guest.name), h('span', { class: 'hint' }, [guest.source, MODE_LABEL[guest.mode].toLowerCase(), `joined ${relativeTime(guest.since)}`].filter(Boolean).join(' · '))),
    remove,
  );
}

export function shareCard(link: ShareLinkView, hooks: ShareCardHooks): HTMLElement {
  const active = link.state === 'active';
  const revoke = active
    ? h('button', { type: 'button', class: 'btn btn-sm share-revoke', 'aria-label': `Revoke the link to ${link.hostName}${link.label ? ` (${link.label})` : ''}` }, icon('trash', 16), 'Revoke')
    : null;
  revoke?.addEventListener('click', () =>
    void runConfirmed({
      title: 'Revoke this link?',
      consequence: link.guests.length
        ? `The link stops working, and the ${link.guests.length === 1 ? 'guest connected now is' : `${link.guests.length} guests connected now are`} cut off at once.`
        : 'The link stops working at once. This cannot be undone.',
      confirmLabel: 'Revoke link',
      run: () => api.revokeShare(link.id),
      done: 'Link revoked',
      after: hooks.changed,
    }),
  );
  const tone = stateTone(link.state);
  const events = shareEvents(link.id);
  const expiry = h('span', { class: 'badge share-expiry', 'data-link': link.id }, icon('clock', 12), h('span', null, expiryText(link)));
  const card = h(
    'article',
    { class: `card share-card${active ? '' : ' is-over'}`, 'aria-label': `${describeTarget(link)}${link.label ? `, ${link.label}` : ''}` },
    h(
      'div',
      { class: 'share-top' },
      h('div', { class: 'host-icon' }, icon(link.protocol === 'ssh' ? 'terminal' : 'monitor', 20)),
      h(
        'div',
        { class: 'share-id' },
        h('h3', null, link.label || link.hostName),
        h('div', { class: 'share-sub muted' }, `${describeTarget(link)} · by ${link.createdBy} · created ${relativeTime(link.createdAt)}`),
      ),
      h('span', { class: `badge share-state ${tone === 'ok' ? 'badge-ok' : tone === 'warn' ? 'badge-warn' : ''}` }, STATE_LABEL[link.state]),
    ),
    h(
      'div',
      { class: 'share-meta' },
      link.kind === 'session' ? h('span', { class: 'badge' }, icon(link.mode === 'view' ? 'eye' : 'edit', 12), MODE_LABEL[link.mode]) : h('span', { class: 'badge' }, icon('key', 12), 'Opens with stored login'),
      h('span', { class: 'badge' }, icon(link.audience === 'anyone' ? 'upload' : 'mesh', 12), AUDIENCE_LABEL[link.audience]),
      h('span', { class: 'badge' }, usesText(link.uses, link.maxUses)),
      link.hasPasscode ? h('span', { class: 'badge', title: 'Guests must type a passcode' }, icon('lock', 12), 'Passcode') : null,
      expiry,
    ),
    link.guests.length
      ? h('div', { class: 'share-guests' }, h('h4', null, `Connected now (${link.guests.length})`), h('ul', { class: 'viewers-list' }, link.guests.map((g) => guestRow(link, g, hooks))))
      : null,
    h('div', { class: 'share-foot' }, events.button, h('span', { class: 'spacer' }), revoke),
    events.panel,
  );
  (card as CardWithEvents).events = events;
  return card;
}

/** The card keeps its activity panel reachable, so a refresh can re-open what was open. */
export type CardWithEvents = HTMLElement & { events?: ShareEvents };

/** Called every second by the page: moves each card's countdown on. Returns true when an active link just ran out. */
export function tickExpiries(root: HTMLElement, links: readonly ShareLinkView[], now = Date.now()): boolean {
  let ranOut = false;
  for (const el of root.querySelectorAll<HTMLElement>('.share-expiry')) {
    const link = links.find((l) => l.id === el.dataset.link);
    if (!link) continue;
    if (link.state === 'active' && link.expiresAt <= now) ranOut = true;
    el.lastElementChild!.textContent = expiryText(link, now);
  }
  return ranOut;
}
