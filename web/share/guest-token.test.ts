// Taking the token out of the address bar, and keeping the pass for a reload.
import { describe, expect, it } from 'vitest';
import type { GuestTicket } from '../../shared/share-types';
import { clearTicket, loadTicket, saveTicket, takeToken, type GuestStore } from './guest-token';

function memoryStore(): GuestStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const ticket = (expiresAt: number): GuestTicket => ({
  pass: 'p'.repeat(32),
  link: { kind: 'host', sharedBy: 'Alice', hostName: 'nas', protocol: 'ssh', mode: 'control', label: '', expiresAt, serverNow: 0 },
});

describe('takeToken', () => {
  it('reads the fragment, stores it and removes it from the address', () => {
    const store = memoryStore();
    const urls: string[] = [];
    expect(takeToken({ hash: '#abc%2Bdef', pathname: '/share/', search: '' }, (u) => urls.push(u), store)).toBe('abc+def');
    expect(urls).toEqual(['/share/']);
    // A reload has no fragment any more: the stored token is used.
    expect(takeToken({ hash: '', pathname: '/share/', search: '' }, (u) => urls.push(u), store)).toBe('abc+def');
    expect(urls).toHaveLength(1);
  });

  it('returns null with neither a fragment nor a stored token', () => {
    expect(takeToken({ hash: '', pathname: '/share/', search: '' }, () => undefined, memoryStore())).toBeNull();
  });

  it('forgets the pass of a previous link when a different link is opened', () => {
    const store = memoryStore();
    takeToken({ hash: '#first', pathname: '/share/', search: '' }, () => undefined, store);
    saveTicket(store, ticket(Date.now() + 60_000), 0);
    takeToken({ hash: '#first', pathname: '/share/', search: '' }, () => undefined, store);
    expect(loadTicket(store)).not.toBeNull();
    takeToken({ hash: '#second', pathname: '/share/', search: '' }, () => undefined, store);
    expect(loadTicket(store)).toBeNull();
  });
});

describe('tickets', () => {
  it('keeps a ticket until its link ends on the server clock', () => {
    const store = memoryStore();
    saveTicket(store, ticket(10_000), 5_000);
    expect(loadTicket(store, 4_000)?.ticket.pass).toBe('p'.repeat(32));
    expect(loadTicket(store, 5_000)).toBeNull();
    clearTicket(store);
    expect(loadTicket(store, 0)).toBeNull();
  });

  it('ignores unreadable storage', () => {
    const store = memoryStore();
    store.setItem('porthole.guest.ticket', '{not json');
    expect(loadTicket(store)).toBeNull();
  });
});
