// The audit log behind AuditLog.record(): writes queued in order, never thrown at the caller, failures logged; flush() for tests and shutdown.
import type { Logger } from '../log.js';
import type { AuditStore } from '../store/types.js';
import type { AuditEntry, AuditLog } from './audit-log.js';
import { scrubDetail } from './scrub-detail.js';

/**
 * Entries waiting while the store is slow or down. Past this the oldest waiting ones are dropped (and
 * counted in the log): an audit outage must not grow the gateway's memory without bound.
 */
export const MAX_QUEUED_AUDIT_ENTRIES = 10_000;

export interface QueuedAuditLog extends AuditLog {
  /** Resolves once everything recorded so far is written (or has failed and been logged). */
  flush(): Promise<void>;
}

export interface AuditLogDeps {
  store: { audit: AuditStore };
  log: Logger;
  /** Epoch ms for entries that bring no `at` (tests replace it). */
  now?: () => number;
  maxQueued?: number;
}

export function createAuditLog({ store, log, now = Date.now, maxQueued = MAX_QUEUED_AUDIT_ENTRIES }: AuditLogDeps): QueuedAuditLog {
  const queue: AuditEntry[] = [];
  let draining: Promise<void> | null = null;
  let dropped = 0;

  async function drain(): Promise<void> {
    // The first write starts before record() returns, so a read the caller makes next already sees it queued in the database.
    while (queue.length > 0) {
      const entry = queue.shift()!;
      try {
        await store.audit.append({ ...entry, at: entry.at!, detail: scrubDetail(entry.detail) });
      } catch (err) {
        log.error({ event: 'audit.write_failed', action: entry.action, err }, 'could not write an audit event');
      }
    }
    draining = null;
  }

  return {
    record(entry) {
      try {
        if (queue.length >= maxQueued) {
          queue.shift();
          if (dropped++ % 1000 === 0) log.error({ event: 'audit.queue_full', dropped, queued: queue.length }, 'audit log queue full: dropping the oldest unwritten events');
        }
        queue.push({ ...entry, at: entry.at ?? now() });
        draining ??= drain();
      } catch (err) {
        log.error({ event: 'audit.record_failed', action: entry?.action, err }, 'could not queue an audit event');
      }
    },
    async flush() {
      while (draining) await draining;
    },
  };
}
