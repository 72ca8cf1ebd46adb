// Unit tests for the Live page's words and order.
import { describe, expect, it } from 'vitest';
import type { LiveSessionView } from '../../shared/recording-types';
import { orderLive, ownerText, stateText, viewersText } from './live-labels';

const live = (over: Partial<LiveSessionView>): LiveSessionView => ({
  id: 'a', hostId: 'h', hostName: 'nas', protocol: 'ssh', stage: 'ready', viewers: 1, createdAt: 1000, detachedUntil: null,
  owner: { principal: 'login:alice@example.com', name: 'Alice', device: null, address: null }, recordingId: null, ...over,
});

describe('ownerText', () => {
  it.each([
    [{ principal: 'p', name: 'Alice', device: 'alice-mbp.tail1234.ts.net', address: '100.64.0.7' }, 'Alice · alice-mbp'],
    [{ principal: 'p', name: 'Owner', device: null, address: '127.0.0.1' }, 'Owner · 127.0.0.1'],
    [{ principal: 'p', name: 'Guest', device: null, address: null }, 'Guest'],
  ])('%o -> %s', (owner, text) => expect(ownerText(owner)).toBe(text));
});

describe('stateText', () => {
  it.each([
    [{ stage: 'ready', detachedUntil: null }, 'Live', 'ok'],
    [{ stage: 'ready', detachedUntil: 5000 }, 'Detached', 'warn'],
    [{ stage: 'authenticating', detachedUntil: null }, 'Authenticating…', 'muted'],
    [{ stage: 'closed', detachedUntil: null }, 'Ended', 'muted'],
  ] as const)('%o -> %s', (s, text, tone) => expect(stateText(s)).toEqual({ text, tone }));
});

describe('viewersText', () => {
  it.each([
    [0, 'nobody attached'],
    [1, '1 viewer'],
    [3, '3 viewers'],
  ])('%i -> %s', (n, text) => expect(viewersText(n)).toBe(text));
});

describe('orderLive', () => {
  it('puts the newest first and leaves ended sessions out', () => {
    const list = [live({ id: 'old', createdAt: 1 }), live({ id: 'gone', stage: 'closed', createdAt: 5 }), live({ id: 'new', createdAt: 9 })];
    expect(orderLive(list).map((s) => s.id)).toEqual(['new', 'old']);
  });
});
