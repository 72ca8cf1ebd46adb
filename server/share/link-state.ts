// Pure: whether a stored share link can still be used at a moment, and why not.
import type { ShareState } from '../../shared/share-types.js';
import type { ShareLinkRecord } from '../store/types.js';

/** `sessionAlive` matters for live-session links only: their link dies with the session. */
export function shareState(link: ShareLinkRecord, now: number, sessionAlive: boolean): ShareState {
  if (link.revokedAt !== null) return 'revoked';
  if (now >= link.expiresAt) return 'expired';
  if (link.kind === 'session' && !sessionAlive) return 'ended';
  if (link.maxUses !== null && link.uses >= link.maxUses) return 'used-up';
  return 'active';
}

/** What a guest is told when a link cannot be opened (the token was right, so naming the reason leaks nothing). */
export function refusalText(state: Exclude<ShareState, 'active'>, link: ShareLinkRecord): string {
  switch (state) {
    case 'revoked':
      return `${link.createdByName} revoked this link`;
    case 'expired':
      return `this link expired at ${new Date(link.expiresAt).toISOString()}`;
    case 'ended':
      return `the session this link shared has ended`;
    case 'used-up':
      return `this link has been used ${link.uses} of ${link.maxUses} times`;
  }
}
