// Public face of server/audit: the AuditLog contract, its queued implementation, and the actor helper.
export * from './audit-log.js';
export { actorOf } from './actor.js';
export { createAuditLog, MAX_QUEUED_AUDIT_ENTRIES, type AuditLogDeps, type QueuedAuditLog } from './create-audit-log.js';
export { scrubDetail } from './scrub-detail.js';
