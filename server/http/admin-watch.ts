// Viewer hooks for an admin watching someone else's session: each watch is on record, like a share guest's join and leave.
import { actorOf, type AuditLog } from '../audit/index.js';
import type { Identity } from '../auth/identity.js';
import type { Logger } from '../log.js';
import type { ViewerFacts, ViewerHooks } from '../sessions/viewer.js';

interface WatchedSession {
  id: string;
  principal: string;
  host: { id: string; name: string; protocol: string };
}

export function adminWatchHooks(deps: { log: Logger; audit?: AuditLog }, session: WatchedSession, admin: Identity, address: string | null): ViewerHooks {
  const fields = { session: session.id, host: session.host.name, owner: session.principal, by: admin.principal, device: admin.device?.name };
  const record = (action: string, viewer: ViewerFacts) =>
    deps.audit?.record({
      action, actor: actorOf(admin, address), hostId: session.host.id, hostName: session.host.name, protocol: session.host.protocol, sessionId: session.id,
      detail: { owner: session.principal, viewerId: viewer.id },
    });
  return {
    attached: (viewer) => {
      deps.log.info({ event: 'session.watch_started', viewer: viewer.id, ...fields }, 'an admin is watching a session');
      record('session.watch_started', viewer);
    },
    detached: (viewer) => {
      deps.log.info({ event: 'session.watch_ended', viewer: viewer.id, ...fields }, 'an admin stopped watching a session');
      record('session.watch_ended', viewer);
    },
  };
}
