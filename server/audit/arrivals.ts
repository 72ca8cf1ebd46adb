// Tailnet mode has no login step: a person's (or tagged device's) first request after a quiet spell is audited as their arrival.
import type { Authenticator } from '../auth/authenticator.js';
import { actorOf } from './actor.js';
import type { AuditLog } from './audit-log.js';

/** Quiet for this long, then back: a new arrival. About what a login cookie's idle timeout would be. */
export const ARRIVAL_QUIET_MS = 60 * 60 * 1000;
/** Person-and-device pairs remembered; beyond it the longest quiet is forgotten (and would arrive again). */
const MAX_TRACKED = 10_000;

export interface ArrivalOptions {
  now?: () => number;
  quietMs?: number;
  maxTracked?: number;
}

/**
 * Wraps a tailnet authenticator so that whoever tailscaled vouches for leaves one `auth.arrived` event when they
 * start using the gateway, and another only after an hour without a request: the audit log's "logins" for a mode
 * where identity comes with every request. API tokens are not arrivals (scripts call all day).
 */
export function auditArrivals(inner: Authenticator, audit: AuditLog, options: ArrivalOptions = {}): Authenticator {
  const now = options.now ?? Date.now;
  const quietMs = options.quietMs ?? ARRIVAL_QUIET_MS;
  const maxTracked = options.maxTracked ?? MAX_TRACKED;
  /** Last request per principal and device, least recent first (re-inserted on each request). */
  const lastSeen = new Map<string, number>();

  return {
    mode: inner.mode,
    async identify(request) {
      const outcome = await inner.identify(request);
      if (!outcome.ok) return outcome;
      const { identity } = outcome;
      if (identity.via !== 'tailnet' && identity.via !== 'serve') return outcome;
      const key = `${identity.principal}\n${identity.device?.name ?? ''}`;
      const at = now();
      const before = lastSeen.get(key);
      lastSeen.delete(key);
      lastSeen.set(key, at);
      if (lastSeen.size > maxTracked) lastSeen.delete(lastSeen.keys().next().value!);
      if (before === undefined || at - before >= quietMs) {
        audit.record({
          action: 'auth.arrived',
          actor: actorOf(identity, request.remoteAddress),
          detail: { via: identity.via, ...(identity.device?.os ? { os: identity.device.os } : {}), ...(before !== undefined ? { quietMinutes: Math.round((at - before) / 60_000) } : {}) },
        });
      }
      return outcome;
    },
  };
}
