// The link's secret, taken out of the address bar at once and kept in this tab's sessionStorage (with the pass it bought), so a reload works.
import type { GuestTicket } from '../../shared/share-types';

export interface GuestStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const TOKEN_KEY = 'porthole.guest.token';
const TICKET_KEY = 'porthole.guest.ticket';

/** A ticket as kept across a reload: `offset` is the server's clock minus ours when it arrived. */
export interface StoredTicket {
  ticket: GuestTicket;
  offset: number;
}

/**
 * Reads `#<token>`, stores it and rewrites the address without it (history, bookmarks and screen shares
 * then never show it); without a fragment, falls back to this tab's stored token.
 */
export function takeToken(loc: Pick<Location, 'hash' | 'pathname' | 'search'>, replaceUrl: (url: string) => void, store: GuestStore): string | null {
  const fromHash = loc.hash.replace(/^#/, '').trim();
  if (fromHash) {
    let token = fromHash;
    try {
      token = decodeURIComponent(fromHash);
    } catch {
      // Not percent-encoded after all: use it as it came.
    }
    if (store.getItem(TOKEN_KEY) !== token) store.removeItem(TICKET_KEY); // another link: its pass is not ours
    store.setItem(TOKEN_KEY, token);
    replaceUrl(loc.pathname + loc.search);
    return token;
  }
  return store.getItem(TOKEN_KEY);
}

export function saveTicket(store: GuestStore, ticket: GuestTicket, offset: number): void {
  store.setItem(TICKET_KEY, JSON.stringify({ ticket, offset } satisfies StoredTicket));
}

/** The stored ticket, unless it is missing, unreadable or past its link's end. */
export function loadTicket(store: GuestStore, now = Date.now()): StoredTicket | null {
  try {
    const stored = JSON.parse(store.getItem(TICKET_KEY) ?? 'null') as StoredTicket | null;
    if (!stored?.ticket?.pass || !stored.ticket.link) return null;
    return stored.ticket.link.expiresAt > now + stored.offset ? stored : null;
  } catch {
    return null;
  }
}

export function clearTicket(store: GuestStore): void {
  store.removeItem(TICKET_KEY);
}
