// Accepts terminal WebSocket upgrades: checks Host, Origin and login before attaching the socket to its session.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode } from '../../../shared/close-codes.js';
import { MAX_TERMINAL_CLIENT_MESSAGE_BYTES, MAX_TERMINAL_COLS, MAX_TERMINAL_ROWS, MIN_TERMINAL_COLS, MIN_TERMINAL_ROWS } from '../../../shared/limits.js';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Logger } from '../../log.js';
import { can } from '../../policy/can.js';
import type { SessionRegistry } from '../../sessions/session-registry.js';
import type { OriginPolicy } from '../origin-policy.js';
import { identifyUpgrade, refuseUpgrade } from '../upgrade-identity.js';
import { adminWatchHooks } from '../admin-watch.js';
import type { AuditLog } from '../../audit/index.js';
import { attachIntentOf, mayReach } from '../session-access.js';
import { WebSocketViewer } from './websocket-viewer.js';
import type { Identity } from '../../auth/identity.js';
import type { TerminalSession } from '../../sessions/terminal-session.js';
import type { ViewerHooks } from '../../sessions/viewer.js';
import type { ViewerRole } from '../../../shared/terminal-protocol.js';

const TERMINAL_PATH = /^\/api\/sessions\/([A-Za-z0-9-]{1,64})\/terminal$/;
const HEARTBEAT_MS = 20_000;

export interface TerminalGrant {
  identity: Identity;
  session: TerminalSession;
  role: ViewerRole;
  linkId: string | null;
}

export type TerminalUpgrade = ReturnType<typeof createTerminalUpgrade>;

export interface TerminalUpgradeDeps {
  authenticator: Authenticator;
  policy: OriginPolicy;
  sessions: SessionRegistry;
  log: Logger;
  /** An admin's watch of someone else's session is recorded here. */
  audit?: AuditLog;
}

export function createTerminalUpgrade(deps: TerminalUpgradeDeps) {
  // ws enforces a hard ceiling; our own check below closes oversize messages with a clearer code first.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_TERMINAL_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const viewers = new Set<WebSocketViewer>();
  const heartbeat = setInterval(() => viewers.forEach((v) => v.checkAlive()), HEARTBEAT_MS);
  heartbeat.unref();

  const refuse = refuseUpgrade;

  function acceptThenClose(req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void {
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, reason));
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const match = TERMINAL_PATH.exec(url.pathname);
    if (!match) return refuse(socket, 404, 'Not Found');
    const outcome = await identifyUpgrade(req, deps);
    if (!outcome.ok) {
      if ('httpStatus' in outcome) return refuse(socket, outcome.httpStatus, outcome.text);
      return acceptThenClose(req, socket, head, CloseCode.unauthorized, outcome.unauthorized.slice(0, 120));
    }
    const { identity } = outcome;
    const intent = attachIntentOf(url);
    const session = deps.sessions.get(match[1]!);
    if (!session || !mayReach(session, identity, intent)) {
      return acceptThenClose(req, socket, head, CloseCode.sessionNotFound, 'no such session (it ended or its grace period passed)');
    }
    const role = intent === 'watch' ? 'view' : 'owner';
    // An admin watching someone else's session does so by duty, not by a grant on the host.
    if (session.principal !== identity.principal) return accept(req, socket, head, { identity, session, role, linkId: null }, adminWatchHooks(deps, session, identity, req.socket.remoteAddress ?? null));
    // Grants can be withdrawn while a session runs: every (re)attach asks the policy again.
    if (!can(identity.permissions, { kind: 'connect', protocol: 'ssh' }, session.hostFacts)) {
      deps.log.warn({ event: 'ws.attach_refused', session: session.id, host: session.host.name, by: identity.principal }, 'attach refused: the policy no longer allows this host');
      return acceptThenClose(req, socket, head, CloseCode.forbidden, `you may no longer open ${session.host.name}`.slice(0, 120));
    }
    accept(req, socket, head, { identity, session, role, linkId: null });
  }

  /** Upgrades and attaches a viewer whose right to this session was already checked (owner above, or a share link's guest). */
  function accept(req: IncomingMessage, socket: Duplex, head: Buffer, grant: TerminalGrant, hooks: ViewerHooks = {}): void {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const size = {
      cols: clampInt(url.searchParams.get('cols'), MIN_TERMINAL_COLS, MAX_TERMINAL_COLS, 80),
      rows: clampInt(url.searchParams.get('rows'), MIN_TERMINAL_ROWS, MAX_TERMINAL_ROWS, 24),
    };
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const viewer = new WebSocketViewer(ws, grant.identity, grant.session, deps.log.child({ session: grant.session.id }), grant.role, grant.linkId);
      viewers.add(viewer);
      ws.on('close', () => {
        viewers.delete(viewer);
        hooks.detached?.(viewer);
      });
      hooks.attached?.(viewer);
      grant.session.attach(viewer, size);
    });
  }

  return {
    accept,
    /** Refuses an upgrade in a way the page can read: upgrade, then close with a code and reason. */
    refuse: acceptThenClose,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      handleUpgrade(req, socket, head).catch((err) => {
        deps.log.error({ event: 'ws.upgrade_failed', err }, 'websocket upgrade failed');
        refuse(socket, 500, 'Internal Server Error');
      });
    },
    close(): void {
      clearInterval(heartbeat);
      wss.close();
    },
  };
}

function clampInt(value: string | null, min: number, max: number, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}
