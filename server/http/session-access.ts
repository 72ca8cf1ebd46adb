// Who may reach a live session and as what: its owner drives it; an admin may list, watch (read-only) and end anyone's.
import type { Identity } from '../auth/identity.js';

/** What a browser asked for when attaching: its own session, or a read-only seat (`watch=1`). */
export type AttachIntent = 'own' | 'watch';

/** Admins oversee every live session. Watching is never secret: the owner's viewer list shows the watcher. */
export function mayOversee(identity: Identity): boolean {
  return identity.permissions.role === 'admin';
}

export function attachIntentOf(url: URL): AttachIntent {
  return url.searchParams.get('watch') === '1' ? 'watch' : 'own';
}

/**
 * The owner reaches their session either way; an admin reaches anyone's only to watch it. Everything else
 * must answer exactly like a missing session, so session ids are never an oracle.
 */
export function mayReach(session: { principal: string }, identity: Identity, intent: AttachIntent): boolean {
  return session.principal === identity.principal || (intent === 'watch' && mayOversee(identity));
}

/** Why the session ended, as its owner's page shows it. */
export function endReasonFor(session: { principal: string }, by: Identity): string {
  return session.principal === by.principal ? 'ended by its owner' : `ended by an admin (${by.name})`;
}
