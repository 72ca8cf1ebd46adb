// Public face of server/audit: the AuditLog contract, its queued implementation, the actor helper and tailnet arrivals.
export * from './audit-log.js';
export { actorOf } from './actor.js';
export { auditArrivals, ARRIVAL_QUIET_MS } from './arrivals.js';
export { createAuditLog, MAX_QUEUED_AUDIT_ENTRIES, type AuditLogDeps, type QueuedAuditLog } from './create-audit-log.js';
export { scrubDetail } from './scrub-detail.js';
