// /api/tailnet: the tailnet's machines as hosts (filtered by policy), their SSH host keys, and port probes on request.
import { Hono } from 'hono';
import { acceptHostKeySchema, type PeerView } from '../../../shared/api-types.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { actorOf } from '../../audit/actor.js';
import type { Identity } from '../../auth/identity.js';
import type { Logger } from '../../log.js';
import { LocalApiError } from '../../mesh/localapi-client.js';
import { dialAddress, type PeerDirectory, type TailnetPeer } from '../../mesh/peer-directory.js';
import { probePorts, type ProbePorts } from '../../mesh/port-probe.js';
import { openableProtocols, peerFacts } from '../../policy/host-facts.js';
import type { Store } from '../../store/types.js';
import { ApiFailure, readJson } from '../errors.js';
import { assertAllowed, authRequestOf, type GatewayEnv } from '../request-guards.js';

export interface TailnetRouteDeps {
  store: Store;
  peers: PeerDirectory;
  probePorts?: ProbePorts;
  log: Logger;
  audit?: AuditLog;
}

export function tailnetRoutes(deps: TailnetRouteDeps) {
  const { store, peers } = deps;
  const app = new Hono<GatewayEnv>();

  async function listPeers(): Promise<TailnetPeer[]> {
    try {
      return await peers.list();
    } catch (error) {
      if (error instanceof LocalApiError) throw new ApiFailure('unavailable', `cannot list the tailnet's machines: ${error.message}`);
      throw error;
    }
  }

  async function view(peer: TailnetPeer, identity: Identity): Promise<PeerView> {
    const [pinned, pending] = await Promise.all([store.hostKeys.getPinned(peer.id), store.hostKeys.getPending(peer.id)]);
    return {
      ...peer,
      canOpen: openableProtocols(identity.permissions, peerFacts(peer)),
      hostKey: pinned ? { algorithm: pinned.algorithm, fingerprint: pinned.fingerprint, trustedAt: pinned.trustedAt } : null,
      pendingHostKey: pending ? { algorithm: pending.algorithm, fingerprint: pending.fingerprint, seenAt: pending.seenAt } : null,
    };
  }

  /**
   * Admins see the whole tailnet; everyone else sees the machines they may open, never the gateway's own
   * machine (it holds every credential). Others answer 404.
   */
  function isVisible(peer: TailnetPeer, identity: Identity): boolean {
    if (identity.permissions.role === 'admin') return true;
    return !peer.isSelf && openableProtocols(identity.permissions, peerFacts(peer)).length > 0;
  }

  async function visiblePeer(id: string, identity: Identity): Promise<TailnetPeer> {
    const peer = (await listPeers()).find((p) => p.id === id);
    if (!peer || !isVisible(peer, identity)) throw new ApiFailure('not-found', `no tailnet machine with id "${id}"`);
    return peer;
  }

  app.get('/peers', async (c) => {
    const identity = c.get('identity');
    const shown = (await listPeers()).filter((p) => isVisible(p, identity));
    return c.json(await Promise.all(shown.map((p) => view(p, identity))));
  });

  // One check at a time per caller: each opens a handful of sockets, and a loop must not exhaust them.
  const probing = new Set<string>();
  app.post('/peers/:id/probe', async (c) => {
    const identity = c.get('identity');
    const peer = await visiblePeer(c.req.param('id'), identity);
    const address = dialAddress(peer);
    if (!address) throw new ApiFailure('conflict', `tailnet machine "${peer.name}" has no Tailscale address`);
    if (probing.has(identity.principal)) throw new ApiFailure('conflict', 'a port check of yours is still running; try again in a moment');
    probing.add(identity.principal);
    try {
      return c.json(await probePorts(address, deps.probePorts));
    } finally {
      probing.delete(identity.principal);
    }
  });

  app.post('/peers/:id/host-key/accept', async (c) => {
    const identity = c.get('identity');
    assertAllowed(identity, { kind: 'manage-hosts' });
    const peer = await visiblePeer(c.req.param('id'), identity);
    const { fingerprint } = await readJson(c, acceptHostKeySchema);
    const pending = await store.hostKeys.getPending(peer.id);
    if (!pending || pending.fingerprint !== fingerprint) throw new ApiFailure('conflict', `no pending host key with fingerprint ${fingerprint} for "${peer.name}"`);
    const previous = await store.hostKeys.getPinned(peer.id);
    await store.hostKeys.pin(peer.id, { algorithm: pending.algorithm, fingerprint: pending.fingerprint });
    deps.log.warn({ event: 'hostkey.accepted_change', host: peer.name, old: previous?.fingerprint, new: fingerprint, by: identity.name }, 'changed host key accepted');
    deps.audit?.record({
      action: 'hostkey.accepted', actor: actorOf(identity, authRequestOf(c).remoteAddress), hostId: peer.id, hostName: peer.name, protocol: 'ssh',
      detail: { algorithm: pending.algorithm, fingerprint, previous: previous?.fingerprint ?? null },
    });
    return c.json(await view(peer, identity));
  });

  app.delete('/peers/:id/host-key', async (c) => {
    const identity = c.get('identity');
    assertAllowed(identity, { kind: 'manage-hosts' });
    const peer = await visiblePeer(c.req.param('id'), identity);
    await store.hostKeys.forget(peer.id);
    deps.log.warn({ event: 'hostkey.forgotten', host: peer.name, by: identity.name }, 'host key forgotten');
    deps.audit?.record({ action: 'hostkey.forgotten', actor: actorOf(identity, authRequestOf(c).remoteAddress), hostId: peer.id, hostName: peer.name, protocol: 'ssh' });
    return c.body(null, 204);
  });

  return app;
}
