// The expiry line of a link card and the order of the list.
import { describe, expect, it } from 'vitest';
import type { ShareLinkView } from '../../shared/share-types';
import { expiryText } from './share-card';
import { qrPathData } from './qr-code';
import { orderLinks } from './shares-page';

const now = 1_000_000_000_000;

describe('expiryText', () => {
  it.each([
    [{ state: 'active' as const, expiresAt: now + 14 * 60_000 + 32_000, revokedAt: null }, 'ends in 14:32'],
    // Relative times come from Intl in the default locale: only their start is pinned here.
    [{ state: 'revoked' as const, expiresAt: now + 60_000, revokedAt: now - 120_000 }, /^revoked 2 min/],
    [{ state: 'expired' as const, expiresAt: now - 3 * 3_600_000, revokedAt: null }, /^expired 3 h/],
  ])('%o -> %s', (link, text) => {
    expect(expiryText(link, now)).toMatch(text);
  });
});

describe('orderLinks', () => {
  const link = (id: string, state: ShareLinkView['state'], createdAt: number, expiresAt: number) => ({ id, state, createdAt, expiresAt }) as ShareLinkView;
  it('puts active links first, soonest to end on top, then the rest newest first', () => {
    const ordered = orderLinks([link('old-done', 'expired', 1, 2), link('late', 'active', 3, 900), link('new-done', 'revoked', 5, 6), link('soon', 'active', 4, 100)]);
    expect(ordered.map((l) => l.id)).toEqual(['soon', 'late', 'new-done', 'old-done']);
  });
});

describe('qrPathData', () => {
  it('draws one unit square per dark module at its column and row', () => {
    expect(qrPathData([[true, false], [false, true]])).toBe('M0 0h1v1h-1zM1 1h1v1h-1z');
  });
});
