// /api/sessions: open, list and end sessions (admins: list and end anyone's); the terminal stream itself is a WebSocket, see terminal-upgrade.ts.
import { Hono } from 'hono';
import { createSessionSchema, DEFAULT_RECORDING_SETTINGS, type RecordingSettings } from '../../../shared/api-types.js';
import { CloseCode } from '../../../shared/close-codes.js';
import type { LiveSessionView } from '../../../shared/recording-types.js';
import { actorOf, type AuditLog } from '../../audit/index.js';
import type { Identity } from '../../auth/identity.js';
import { dialAddress, type PeerDirectory } from '../../mesh/peer-directory.js';
import type { Logger } from '../../log.js';
import { ownAccountOf } from '../../policy/access-rules.js';
import type { HostFacts } from '../../policy/can.js';
import { peerFacts, storedHostFacts } from '../../policy/host-facts.js';
import { DesktopLimitError, type DesktopSessionRegistry } from '../../sessions/desktop-session-registry.js';
import { DesktopSession } from '../../sessions/desktop-session.js';
import type { SessionRegistry } from '../../sessions/session-registry.js';
import type { TerminalSession } from '../../sessions/terminal-session.js';
import { GuacStatus } from '../../../shared/guac-status.js';
import { TAILNET_HOST_ID_PREFIX } from '../../store/host-keys.js';
import type { HostRecord, Store } from '../../store/types.js';
import { ApiFailure, readJson } from '../errors.js';
import { assertAllowed, authRequestOf, type GatewayEnv } from '../request-guards.js';
import { endReasonFor, mayOversee } from '../session-access.js';

export interface SessionRouteDeps {
  store: Store;
  sessions: SessionRegistry;
  desktops: DesktopSessionRegistry;
  /** Tailnet mode only. */
  peers?: PeerDirectory;
  /** Port sshd listens on across the tailnet (22 unless configured). */
  peerSshPort: number;
  /** Viewers that came through a share link lose their pass when the owner removes them. */
  shares: { forgetViewer(viewerId: string, by: Identity): void };
  /** Why RDP cannot be opened here (its helper is not built), if so. */
  rdpUnavailable?: string;
  /** Tailnet machines have no stored settings: their sessions follow the gateway's recording default. */
  tailnetRecording?: RecordingSettings;
  log: Logger;
  /** An admin ending someone else's session is recorded here, with the admin as the actor. */
  audit?: AuditLog;
}

export function sessionRoutes(deps: SessionRouteDeps) {
  const { store, sessions, log } = deps;
  const app = new Hono<GatewayEnv>();

  /**
   * A tailnet machine becomes a host record for this one connection: no credential is stored, so ssh2
   * tries "none" first (Tailscale SSH lets the gateway in) and then asks the person in the browser.
   */
  async function tailnetHost(hostId: string, identity: Identity, username: string | undefined): Promise<{ host: HostRecord; facts: HostFacts }> {
    const peer = deps.peers ? await deps.peers.get(hostId) : undefined;
    // The gateway's own machine holds every credential: only admins get a shell on it.
    if (!peer || (peer.isSelf && identity.permissions.role !== 'admin')) throw new ApiFailure('not-found', `no host with id "${hostId}"`);
    const facts = peerFacts(peer);
    // Never a silent fallback to root: without a typed name the account is the person's own.
    const account = username ?? (identity.login ? ownAccountOf(identity.login) : undefined);
    if (!account) throw new ApiFailure('bad-request', `name the account to log in to ${peer.name} as`);
    assertAllowed(identity, { kind: 'connect', protocol: 'ssh', account }, { ...facts, label: peer.name });
    const address = dialAddress(peer);
    if (!address) throw new ApiFailure('conflict', `tailnet machine "${peer.name}" has no Tailscale address`);
    const now = Date.now();
    const host: HostRecord = {
      id: peer.id, name: peer.name, protocol: 'ssh', address, port: deps.peerSshPort, username: account,
      authMethod: 'keyboard-interactive', credential: { method: 'keyboard-interactive' }, source: 'tailnet', recording: deps.tailnetRecording ?? DEFAULT_RECORDING_SETTINGS, createdAt: now, updatedAt: now,
    };
    return { host, facts };
  }

  async function storedHost(hostId: string, identity: Identity, username: string | undefined): Promise<{ host: HostRecord; facts: HostFacts }> {
    const host = await store.hosts.get(hostId);
    if (!host) throw new ApiFailure('not-found', `no host with id "${hostId}"`);
    const facts = storedHostFacts(host);
    assertAllowed(identity, { kind: 'connect', protocol: host.protocol }, { ...facts, label: host.name });
    // The stored credential belongs to the stored account: another user name would not match it.
    if (username !== undefined && username !== host.username) throw new ApiFailure('bad-request', `host "${host.name}" logs in as its configured user`);
    return { host, facts };
  }

  app.get('/', (c) => {
    const principal = c.get('identity').principal;
    return c.json([...sessions.listFor(principal), ...deps.desktops.listFor(principal)].map((s) => s.view()));
  });

  app.post('/', async (c) => {
    const identity = c.get('identity');
    const { hostId, username } = await readJson(c, createSessionSchema);
    const { host, facts } = hostId.startsWith(TAILNET_HOST_ID_PREFIX) ? await tailnetHost(hostId, identity, username) : await storedHost(hostId, identity, username);
    if (host.protocol === 'rdp' && deps.rdpUnavailable) throw new ApiFailure('conflict', deps.rdpUnavailable);
    // The connection itself starts when the page attaches its terminal or desktop tunnel.
    let session;
    try {
      const opener = actorOf(identity, authRequestOf(c).remoteAddress);
      session = host.protocol !== 'ssh' ? deps.desktops.create(opener, host, facts) : sessions.create(opener, host, facts);
    } catch (error) {
      if (error instanceof DesktopLimitError) throw new ApiFailure('conflict', error.message);
      throw error;
    }
    log.info({ event: 'session.created', session: session.id, host: host.name, hostId: host.id, user: host.username, by: identity.principal, device: identity.device?.name }, 'session opened');
    return c.json(session.view(), 201);
  });

  /** Every live session with its owner (admins only): what the Live page lists, watches and ends. */
  app.get('/live', (c) => {
    if (!mayOversee(c.get('identity'))) throw new ApiFailure('forbidden', `${c.get('identity').name} may not see other people's sessions (admins only)`);
    return c.json([...sessions.all(), ...deps.desktops.all()].map(liveView));
  });

  app.delete('/:id', (c) => {
    const identity = c.get('identity');
    const id = c.req.param('id');
    const session = sessions.get(id) ?? deps.desktops.get(id);
    // Someone else's session answers exactly like a missing one (ids are not an oracle), unless an admin asks.
    if (!session || (session.principal !== identity.principal && !mayOversee(identity))) throw new ApiFailure('not-found', 'no such session');
    const reason = endReasonFor(session, identity);
    if (session instanceof DesktopSession) session.end(GuacStatus.sessionClosed, reason);
    else session.end(CloseCode.sessionEnded, reason);
    if (session.principal !== identity.principal) {
      log.info({ event: 'session.ended_by_admin', session: session.id, host: session.host.name, owner: session.principal, by: identity.principal }, 'an admin ended a session');
      deps.audit?.record({
        action: 'session.ended_by_admin', actor: actorOf(identity, authRequestOf(c).remoteAddress), hostId: session.host.id, hostName: session.host.name,
        protocol: session.host.protocol, sessionId: session.id, detail: { owner: session.principal },
      });
    }
    return c.body(null, 204);
  });

  /** Who is attached to my session (the page also gets this live over its socket). */
  app.get('/:id/viewers', (c) => c.json(ownSession(c.req.param('id'), c.get('identity')).viewerList()));

  /** The owner removes one viewer: closed at once; one that came through a link cannot come back on the same pass. */
  app.delete('/:id/viewers/:viewerId', (c) => {
    const identity = c.get('identity');
    const session = ownSession(c.req.param('id'), identity);
    const viewerId = c.req.param('viewerId');
    const target = session.viewerList().find((v) => v.id === viewerId);
    if (!target) throw new ApiFailure('not-found', 'no such viewer on this session');
    if (target.role === 'owner') throw new ApiFailure('bad-request', 'the owner cannot be removed from their own session; end it instead');
    deps.shares.forgetViewer(viewerId, identity);
    const reason = `${identity.name} removed you`;
    if (session instanceof DesktopSession) session.removeViewer(viewerId, GuacStatus.clientForbidden, reason);
    else session.removeViewer(viewerId, CloseCode.removed, reason);
    log.info({ event: 'session.viewer_removed', session: session.id, viewer: viewerId, name: target.name, by: identity.principal }, 'viewer removed');
    return c.body(null, 204);
  });

  function ownSession(id: string, identity: Identity) {
    const session = sessions.get(id) ?? deps.desktops.get(id);
    if (!session || session.principal !== identity.principal) throw new ApiFailure('not-found', 'no such session');
    return session;
  }

  return app;
}

/** A session as an admin's list shows it: whose it is and whether it is recorded. */
function liveView(session: TerminalSession | DesktopSession): LiveSessionView {
  const { principal, name, device, address } = session.opener;
  return { ...session.view(), owner: { principal, name, device: device ?? null, address: address ?? null }, recordingId: session.recordingId };
}
