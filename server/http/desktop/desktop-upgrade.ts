// Accepts desktop tunnels: the WebSocket guacamole-common-js opens, checked like terminals, then wired to its desktop session.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { GuacStatus } from '../../../shared/guac-status.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { encodeInstruction, GuacProtocolError, MAX_INSTRUCTION_LENGTH, parseInstructions } from '../../guac/instruction.js';
import type { Logger } from '../../log.js';
import { can } from '../../policy/can.js';
import type { DesktopSessionRegistry } from '../../sessions/desktop-session-registry.js';
import type { DesktopSession, DesktopViewer } from '../../sessions/desktop-session.js';
import type { Identity } from '../../auth/identity.js';
import type { ViewerHooks } from '../../sessions/viewer.js';
import type { ViewerRole } from '../../../shared/terminal-protocol.js';
import type { OriginPolicy } from '../origin-policy.js';
import { identifyUpgrade, refuseUpgrade } from '../upgrade-identity.js';
import { adminWatchHooks } from '../admin-watch.js';
import type { AuditLog } from '../../audit/index.js';
import { attachIntentOf, mayReach } from '../session-access.js';

export const DESKTOP_PATH = /^\/api\/sessions\/([A-Za-z0-9-]{1,64})\/desktop$/;
const HEARTBEAT_MS = 20_000;

export interface DesktopGrant {
  identity: Identity;
  session: DesktopSession;
  role: ViewerRole;
  linkId: string | null;
}

export type DesktopUpgrade = ReturnType<typeof createDesktopUpgrade>;

export interface DesktopUpgradeDeps {
  authenticator: Authenticator;
  policy: OriginPolicy;
  desktops: DesktopSessionRegistry;
  log: Logger;
  /** An admin's watch of someone else's session is recorded here. */
  audit?: AuditLog;
}

/** Close reasons are at most 123 bytes; the client parses a decimal Guacamole status from them. */
function closeWith(ws: WebSocket, status: number): void {
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(status === GuacStatus.success ? 1000 : 4000 + Math.min(status, 999), String(status));
}

export function createDesktopUpgrade(deps: DesktopUpgradeDeps) {
  // Browsers send small instructions (keys, mouse, clipboard blobs of <= 8 KiB): anything bigger is not ours.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_INSTRUCTION_LENGTH * 4,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('guacamole') ? 'guacamole' : false),
  });
  const sockets = new Set<WebSocket & { alive?: boolean }>();
  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      if (ws.alive === false) ws.terminate();
      else ((ws.alive = false), ws.ping());
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  /** Before the tunnel is open the client listens for nothing but its UUID; errors go in-band, then the close. */
  function acceptThenFail(req: IncomingMessage, socket: Duplex, head: Buffer, status: number, message: string): void {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(encodeInstruction('', randomUUID()) + encodeInstruction('error', message, status));
      closeWith(ws, status);
    });
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, sessionId: string): Promise<void> {
    socket.on('error', () => socket.destroy());
    const outcome = await identifyUpgrade(req, deps);
    if (!outcome.ok) {
      if ('httpStatus' in outcome) return refuseUpgrade(socket, outcome.httpStatus, outcome.text);
      return acceptThenFail(req, socket, head, GuacStatus.clientUnauthorized, outcome.unauthorized);
    }
    const { identity } = outcome;
    // The tunnel's connect data arrives as the query string: `watch=1` asks for a read-only seat.
    const intent = attachIntentOf(new URL(req.url ?? '/', 'http://gateway.invalid'));
    const session = deps.desktops.get(sessionId);
    if (!session || !mayReach(session, identity, intent)) {
      return acceptThenFail(req, socket, head, GuacStatus.resourceNotFound, 'no such desktop session (it ended or its grace period passed)');
    }
    const role = intent === 'watch' ? 'view' : 'owner';
    // An admin watching someone else's session does so by duty, not by a grant on the host.
    if (session.principal !== identity.principal) return accept(req, socket, head, { identity, session, role, linkId: null }, adminWatchHooks(deps, session, identity, req.socket.remoteAddress ?? null));
    if (!can(identity.permissions, { kind: 'connect', protocol: session.host.protocol }, session.hostFacts)) {
      deps.log.warn({ event: 'ws.attach_refused', session: session.id, host: session.host.name, by: identity.principal }, 'attach refused: the policy no longer allows this host');
      return acceptThenFail(req, socket, head, GuacStatus.clientForbidden, `you may no longer open ${session.host.name}`);
    }
    accept(req, socket, head, { identity, session, role, linkId: null });
  }

  /** Upgrades and attaches a viewer whose right to this session was already checked (owner above, or a share link's guest). */
  function accept(req: IncomingMessage, socket: Duplex, head: Buffer, grant: DesktopGrant, hooks: ViewerHooks = {}): void {
    const { identity, session } = grant;
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const size = { width: clampInt(url.searchParams.get('width'), 320, 8192, 1280), height: clampInt(url.searchParams.get('height'), 200, 8192, 800) };
    wss.handleUpgrade(req, socket, head, (ws: WebSocket & { alive?: boolean }) => {
      sockets.add(ws);
      ws.on('pong', () => (ws.alive = true));
      const log = deps.log.child({ session: session.id });
      let closing = false;
      const viewer: DesktopViewer = {
        id: randomUUID(),
        identity,
        role: grant.role,
        linkId: grant.linkId,
        since: Date.now(),
        send: (message) => {
          if (ws.readyState === ws.OPEN) ws.send(message);
        },
        backlog: () => ws.bufferedAmount,
        close: (status, message) => {
          closing = true;
          if (status !== GuacStatus.success && ws.readyState === ws.OPEN) ws.send(encodeInstruction('error', message, status));
          closeWith(ws, status);
        },
      };
      // The client stays "connecting" and drops its own input until this first instruction: send it at once.
      ws.send(encodeInstruction('', randomUUID()));
      ws.on('message', (data, isBinary) => {
        // Once a close has begun, nothing more from this browser reaches the host.
        if (closing) return;
        try {
          if (isBinary) throw new GuacProtocolError('binary messages are not Guacamole instructions');
          for (const ins of parseInstructions(data.toString('utf8'))) {
            // Keep-alive pings are answered here with the same value, so the client never shows "unstable".
            if (ins.opcode === '' && ins.args[0] === 'ping') viewer.send(encodeInstruction('', 'ping', ins.args[1] ?? ''));
            else session.handle(viewer, ins);
          }
        } catch (error) {
          // A malformed message closes this tunnel only; the session and other viewers go on.
          log.warn({ event: 'desktop.bad_instruction', err: (error as Error).message }, 'malformed instruction from the browser');
          viewer.close(GuacStatus.clientBadRequest, `malformed instruction: ${(error as Error).message}`);
        }
      });
      ws.on('close', () => {
        sockets.delete(ws);
        session.detach(viewer);
        hooks.detached?.(viewer);
      });
      ws.on('error', (err) => log.warn({ event: 'ws.error', err: err.message }, 'desktop websocket error'));
      hooks.attached?.(viewer);
      session.attach(viewer, size);
    });
  }

  return {
    accept,
    /** Refuses in-band, the way guacamole-common-js can show: its UUID, an error instruction, then the close. */
    refuse: acceptThenFail,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, sessionId: string): void {
      handleUpgrade(req, socket, head, sessionId).catch((err) => {
        deps.log.error({ event: 'ws.upgrade_failed', err }, 'desktop websocket upgrade failed');
        refuseUpgrade(socket, 500, 'Internal Server Error');
      });
    },
    close(): void {
      clearInterval(heartbeat);
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

function clampInt(value: string | null, min: number, max: number, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}
