// What the Live page says about a session: owner and device, state, viewers, the order of the list (pure, DOM-free).
import type { LiveSessionView } from '../../shared/recording-types';

export const PROTOCOL_LABEL: Record<LiveSessionView['protocol'], string> = { ssh: 'SSH', vnc: 'VNC', rdp: 'RDP' };

/** "Alice Example · alice-mbp": the device's short MagicDNS name is enough to tell a laptop from a phone. */
export function ownerText(owner: LiveSessionView['owner']): string {
  const from = owner.device?.split('.')[0] ?? owner.address;
  return from ? `${owner.name} · ${from}` : owner.name;
}

/** "Ready", "Connecting", or "Detached" while it waits for its owner to come back. */
export function stateText(s: Pick<LiveSessionView, 'stage' | 'detachedUntil'>): { text: string; tone: 'ok' | 'warn' | 'muted' } {
  if (s.stage === 'closed') return { text: 'Ended', tone: 'muted' };
  if (s.detachedUntil !== null) return { text: 'Detached', tone: 'warn' };
  if (s.stage === 'ready') return { text: 'Live', tone: 'ok' };
  return { text: `${s.stage[0]!.toUpperCase()}${s.stage.slice(1)}…`, tone: 'muted' };
}

export function viewersText(count: number): string {
  if (count === 0) return 'nobody attached';
  return count === 1 ? '1 viewer' : `${count} viewers`;
}

/** Newest first: a session that just opened is what an admin most likely came to look at. */
export function orderLive(sessions: readonly LiveSessionView[]): LiveSessionView[] {
  return sessions.filter((s) => s.stage !== 'closed').sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}
