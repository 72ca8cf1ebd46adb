// A session's entries in the audit log: always by whoever opened it, about its host, under its id.
import type { AuditActor, AuditLog } from '../audit/audit-log.js';
import type { HostRecord } from '../store/types.js';

export interface AuditedSession {
  readonly id: string;
  readonly opener: AuditActor;
  readonly host: HostRecord;
}

export function auditSession(audit: AuditLog | undefined, session: AuditedSession, action: string, detail: Record<string, unknown>): void {
  const { id, opener, host } = session;
  audit?.record({ action, actor: opener, hostId: host.id, hostName: host.name, protocol: host.protocol, sessionId: id, detail });
}
