// Words for share links on the owner's pages: states, kinds, modes, audiences, uses and audit events (pure).
import type { ShareAudience, ShareEventKind, ShareLinkView, ShareMode, ShareState } from '../../shared/share-types';

export const STATE_LABEL: Record<ShareState, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  'used-up': 'Used up',
  ended: 'Session ended',
};

export const MODE_LABEL: Record<ShareMode, string> = { view: 'View only', control: 'Can type' };

export const AUDIENCE_LABEL: Record<ShareAudience, string> = { tailnet: 'Tailnet only', anyone: 'Anyone with the link' };

export const EVENT_LABEL: Record<ShareEventKind, string> = {
  created: 'Created',
  opened: 'Opened',
  refused: 'Refused',
  joined: 'Joined',
  left: 'Left',
  removed: 'Removed',
  revoked: 'Revoked',
  expired: 'Expired',
};

/** "Terminal on nas" / "Live desktop of win11". */
export function describeTarget(link: Pick<ShareLinkView, 'kind' | 'protocol' | 'hostName'>): string {
  const thing = link.protocol === 'ssh' ? 'terminal' : 'desktop';
  return link.kind === 'session' ? `Live ${thing} session on ${link.hostName}` : `${thing[0]!.toUpperCase()}${thing.slice(1)} on ${link.hostName}`;
}

/** "0 of 1 use", "3 of 5 uses", "2 uses" (no limit). */
export function usesText(uses: number, maxUses: number | null): string {
  if (maxUses === null) return `${uses} ${uses === 1 ? 'use' : 'uses'}`;
  return `${uses} of ${maxUses} ${maxUses === 1 ? 'use' : 'uses'}`;
}

/** Chip colour for a state: only an active link is "ok". */
export function stateTone(state: ShareState): 'ok' | 'warn' | 'muted' {
  return state === 'active' ? 'ok' : state === 'revoked' ? 'warn' : 'muted';
}
