// The guest page's course: take the token, open the link (asking for a passcode if needed), show the session, then say why it ended.
import type { GuestTicket } from '../../shared/share-types';
import type { ViewerRole } from '../../shared/terminal-protocol';
import { ApiRequestError } from '../api/client';
import { formatCountdown, serverClock, timeLeft } from '../ui/countdown';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { brandMark } from '../ui/header';
import { countdownEl, linkSummary, messageCard, passcodeCard } from './guest-card';
import { GuestDesktop } from './guest-desktop';
import { guestDesktopEndpoint, guestTerminalSocket, openShare } from './guest-api';
import { describeLink, refusalText, type GuestMessage } from './guest-text';
import { GuestTerminal } from './guest-terminal';
import { clearTicket, loadTicket, saveTicket, takeToken } from './guest-token';
import { recordedBadge } from '../recordings/recorded-badge';

/** Refusals after which asking again cannot help: the card offers no retry. */
const FINAL_REFUSALS = new Set(['not-found', 'expired', 'revoked', 'used-up', 'ended', 'tailnet-only']);

export function startGuestPage(root: HTMLElement): void {
  const summary = h('span', { class: 'guest-head-summary' });
  const readOnly = h('span', { class: 'badge badge-warn guest-readonly', hidden: true }, icon('eye', 12), 'Read-only');
  const timer = h('span', { class: 'badge guest-head-timer', hidden: true }, icon('clock', 12));
  const recorded = recordedBadge('badge guest-recorded');
  const main = h('main', { class: 'guest-main', id: 'main' });
  root.replaceChildren(
    h('header', { class: 'app-header guest-header' }, h('span', { class: 'brand' }, brandMark(), h('span', { class: 'brand-text' }, 'Porthole')), summary, recorded, readOnly, timer),
    main,
  );
  root.classList.add('app', 'guest-app');

  let clock: () => number = Date.now;
  let session: GuestTerminal | GuestDesktop | null = null;
  let ticket: GuestTicket | null = null;

  // One ticker moves every countdown on the page, on the server's clock.
  setInterval(tick, 1000);
  function tick(): void {
    for (const el of document.querySelectorAll<HTMLElement>('[data-countdown]')) {
      const left = timeLeft(Number(el.dataset.countdown), clock);
      el.textContent = left > 0 ? `ends in ${formatCountdown(left)}` : 'time is up';
    }
  }

  function showCard(card: HTMLElement): void {
    session?.dispose();
    session = null;
    main.classList.remove('is-session');
    replaceChildren(main, h('div', { class: 'guest-center' }, card));
    tick();
  }

  function showMessage(message: GuestMessage, tone: Parameters<typeof messageCard>[1], actions: Parameters<typeof messageCard>[2] = []): void {
    showCard(messageCard(message, tone, actions, ticket ? linkSummary(ticket.link, tone === 'ended') : null));
  }

  const store = sessionStorage;
  const token = takeToken(location, (url) => history.replaceState(null, '', url), store);
  if (!token) {
    showMessage({ title: 'This link is incomplete', body: 'The secret part after “#” is missing. Open the whole link exactly as you got it.' }, 'error');
    return;
  }
  const stored = loadTicket(store);
  if (stored) begin(stored.ticket, stored.offset, true);
  else void open();

  async function open(passcode?: string): Promise<void> {
    if (!passcode) showMessage({ title: 'Opening the link…', body: '' }, 'busy');
    try {
      const fresh = await openShare(token!, passcode);
      const offset = fresh.link.serverNow - Date.now();
      saveTicket(store, fresh, offset);
      begin(fresh, offset, false);
    } catch (err) {
      refused(err);
    }
  }

  function refused(err: unknown): void {
    const code = err instanceof ApiRequestError ? err.code : 'network';
    const retryAfter = err instanceof ApiRequestError ? err.retryAfterSeconds : null;
    const message = refusalText(code, err instanceof Error ? err.message : String(err), retryAfter);
    if (code === 'passcode-required') return showCard(passcodeCard(null, (p) => void open(p)));
    if (code === 'wrong-passcode' || (code === 'rate-limited' && document.getElementById('guest-passcode'))) {
      return showCard(passcodeCard(null, (p) => void open(p), message, retryAfter ?? 0));
    }
    const retry = FINAL_REFUSALS.has(code) ? [] : [{ label: 'Try again', iconName: 'refresh' as const, primary: true, run: () => void open() }];
    showMessage(message, 'error', retry);
  }

  /** Shows the session for a ticket; `fromStore`: a pass kept over a reload, which may have died with a gateway restart. */
  function begin(t: GuestTicket, offset: number, fromStore: boolean): void {
    ticket = t;
    clock = serverClock(Date.now() + offset);
    const { link } = t;
    summary.textContent = describeLink(link) + (link.label ? ` · ${link.label}` : '');
    summary.title = summary.textContent;
    timer.hidden = false;
    timer.replaceChildren(icon('clock', 12), countdownEl(link.expiresAt, ''));
    document.title = `${link.hostName} · shared by ${link.sharedBy || 'someone'} · Porthole`;
    session?.dispose();
    main.classList.add('is-session');
    const hooks = {
      role: (role: ViewerRole) => {
        readOnly.hidden = role !== 'view';
      },
      recording: (active: boolean) => {
        recorded.hidden = !active;
      },
      ended: (message: GuestMessage, attached: boolean) => {
        // A kept pass that never got through is stale (gateway restarted): open the link afresh, once.
        if (fromStore && !attached) {
          clearTicket(store);
          fromStore = false;
          void open();
          return;
        }
        clearTicket(store);
        readOnly.hidden = true;
        recorded.hidden = true;
        timer.hidden = true;
        showMessage(message, 'ended');
      },
      left: () => showMessage({ title: 'You left', body: 'The link still works until it ends.' }, 'info', [{ label: 'Connect again', iconName: 'plug', primary: true, run: () => begin(t, offset, true) }]),
    };
    const next = link.protocol === 'ssh' ? new GuestTerminal(guestTerminalSocket(t.pass), link.hostName, hooks) : new GuestDesktop(guestDesktopEndpoint(t.pass), link.hostName, hooks);
    session = next;
    replaceChildren(main, next.el);
    next.start();
    next.focus();
    tick();
  }
}
