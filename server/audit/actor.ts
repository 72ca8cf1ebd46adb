// Who did it, for the audit log: a request's identity plus the address it came from.
import type { Identity } from '../auth/identity.js';
import type { AuditActor } from './audit-log.js';

export function actorOf(identity: Identity, address?: string | null): AuditActor {
  return { principal: identity.principal, name: identity.name, device: identity.device?.name ?? null, address: address || null };
}
