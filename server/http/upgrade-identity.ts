// The checks every WebSocket upgrade passes before it reaches a session: Host, Origin, Funnel, and who is asking.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AuthRequest, Authenticator } from '../auth/authenticator.js';
import type { Identity } from '../auth/identity.js';
import type { Logger } from '../log.js';
import { isAllowedHost, isAllowedOrigin, type OriginPolicy } from './origin-policy.js';
import { isServeSocket } from './serve-socket.js';

export type UpgradeIdentity =
  | { ok: true; identity: Identity }
  /** Refuse with a plain HTTP status before upgrading. */
  | { ok: false; httpStatus: 403; text: 'Forbidden' }
  /** Upgrade, then close with this reason: the page can show it (a browser cannot read an HTTP refusal). */
  | { ok: false; unauthorized: string };

/** What the authenticator needs from an upgrade request: the socket's peer and the headers (the twin of request-guards' authRequestOf). */
export function authRequestOfUpgrade(req: IncomingMessage): AuthRequest {
  return {
    remoteAddress: req.socket.remoteAddress ?? '',
    remotePort: req.socket.remotePort ?? 0,
    fromServeSocket: isServeSocket(req.socket),
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}

export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function identifyUpgrade(req: IncomingMessage, deps: { authenticator: Authenticator; policy: OriginPolicy; log: Logger }): Promise<UpgradeIdentity> {
  // Cross-site WebSocket hijacking defence: browsers always send Origin; a foreign one never upgrades.
  const origin = req.headers.origin;
  if (!isAllowedHost(deps.policy, req.headers.host) || !isAllowedOrigin(deps.policy, origin)) {
    deps.log.warn({ event: 'ws.origin_refused', origin, host: req.headers.host }, 'websocket upgrade from a foreign origin refused');
    return { ok: false, httpStatus: 403, text: 'Forbidden' };
  }
  const outcome = await deps.authenticator.identify(authRequestOfUpgrade(req));
  if (!outcome.ok && outcome.refusal === 'funnel') return { ok: false, httpStatus: 403, text: 'Forbidden' };
  // An ambient login (cookie, whois) without an Origin is not a page of ours: scripts use tokens.
  if (!outcome.ok) return { ok: false, unauthorized: outcome.reason };
  if (outcome.identity.via !== 'token' && origin === undefined) return { ok: false, unauthorized: 'not logged in' };
  return outcome;
}
