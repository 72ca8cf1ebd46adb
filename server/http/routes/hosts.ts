// /api/hosts: list, add, edit and remove hosts, and accept or forget their SSH host keys.
import { Hono, type Context } from 'hono';
import { acceptHostKeySchema, AUTH_METHODS_BY_PROTOCOL, createHostSchema, updateHostSchema } from '../../../shared/api-types.js';
import { actorOf } from '../../audit/actor.js';
import type { AuditEntry, AuditLog } from '../../audit/audit-log.js';
import { describeHostChange, describeNewHost } from '../../audit/host-changes.js';
import { toHostView } from '../../hosts/host-view.js';
import type { Logger } from '../../log.js';
import { openableProtocols, storedHostFacts } from '../../policy/host-facts.js';
import type { HostRecord, Store } from '../../store/types.js';
import { ApiFailure, readJson } from '../errors.js';
import { assertAllowed, authRequestOf, type GatewayEnv } from '../request-guards.js';
import type { Identity } from '../../auth/identity.js';

/** Ends every live session (terminal or desktop) on a host that moved or went away. */
export interface HostSessions {
  endForHost(hostId: string, reason: string): void;
}

/** `rdpUnavailable`: why RDP hosts cannot be opened on this gateway (no helper built), shown on each. */
export function hostRoutes(store: Store, sessions: HostSessions, log: Logger, rdpUnavailable: string | undefined, audit: AuditLog) {
  const app = new Hono<GatewayEnv>();

  /** Host, credential and host-key changes go to the audit log, by whom and from where; never a secret. */
  const record = (c: Context<GatewayEnv>, host: HostRecord, action: string, detail: AuditEntry['detail']) =>
    audit.record({ action, actor: actorOf(c.get('identity'), authRequestOf(c).remoteAddress), hostId: host.id, hostName: host.name, protocol: host.protocol, detail });

  async function findHost(id: string): Promise<HostRecord> {
    const host = await store.hosts.get(id);
    if (!host) throw new ApiFailure('not-found', `no host with id "${id}"`);
    return host;
  }

  /** A stored host speaks one protocol; admins see every host so they can manage it. */
  const canOpen = (host: HostRecord, identity: Identity) => openableProtocols(identity.permissions, storedHostFacts(host), [host.protocol]);
  const view = async (host: HostRecord, identity: Identity) => {
    const shown = await toHostView(host, store.hostKeys, canOpen(host, identity));
    return host.protocol === 'rdp' && rdpUnavailable ? { ...shown, canOpen: [], unavailable: rdpUnavailable } : shown;
  };
  const visible = (host: HostRecord, identity: Identity) => identity.permissions.role === 'admin' || canOpen(host, identity).length > 0;

  // Host and credential management is admin-only; reading is filtered by what the caller may open.
  const adminOnly = (identity: Identity) => assertAllowed(identity, { kind: 'manage-hosts' });

  function assertEditable(host: HostRecord): void {
    if (host.source === 'config') throw new ApiFailure('conflict', `host "${host.name}" is defined in porthole.yaml; edit it there`);
  }

  app.get('/', async (c) => {
    const identity = c.get('identity');
    const hosts = (await store.hosts.list()).filter((h) => visible(h, identity));
    return c.json(await Promise.all(hosts.map((h) => view(h, identity))));
  });

  app.get('/:id', async (c) => {
    const identity = c.get('identity');
    const host = await findHost(c.req.param('id'));
    // A host the caller may not see answers exactly like a missing one: ids are not an oracle.
    if (!visible(host, identity)) throw new ApiFailure('not-found', `no host with id "${host.id}"`);
    return c.json(await view(host, identity));
  });

  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET') adminOnly(c.get('identity'));
    await next();
  });

  app.post('/', async (c) => {
    const input = await readJson(c, createHostSchema);
    const host = await store.hosts.create({ ...input, source: 'ui' });
    log.info({ event: 'host.created', host: host.name, by: c.get('identity').name }, 'host added');
    record(c, host, 'host.created', describeNewHost(host));
    return c.json(await view(host, c.get('identity')), 201);
  });

  app.patch('/:id', async (c) => {
    const before = await findHost(c.req.param('id'));
    assertEditable(before);
    const patch = await readJson(c, updateHostSchema);
    if (patch.auth && !AUTH_METHODS_BY_PROTOCOL[before.protocol].includes(patch.auth.method)) {
      throw new ApiFailure('bad-request', `auth.method: ${before.protocol.toUpperCase()} hosts log in with ${AUTH_METHODS_BY_PROTOCOL[before.protocol].join(' or ')}`);
    }
    const host = await store.hosts.update(before.id, patch);
    if (!host) throw new ApiFailure('not-found', `no host with id "${before.id}"`);
    const moved = host.address !== before.address || host.port !== before.port;
    if (moved) {
      // A new address is a new machine as far as trust goes: its key must be confirmed again.
      await store.hostKeys.forget(host.id);
      sessions.endForHost(host.id, 'the host was moved to another address');
    }
    record(c, host, patch.auth ? 'host.credential_changed' : 'host.updated', { ...describeHostChange(before, host, !!patch.auth), ...(moved ? { hostKeyForgotten: true } : {}) });
    log.info({ event: 'host.updated', host: host.name, credentialChanged: !!patch.auth, by: c.get('identity').name }, 'host edited');
    return c.json(await view(host, c.get('identity')));
  });

  app.delete('/:id', async (c) => {
    const host = await findHost(c.req.param('id'));
    assertEditable(host);
    sessions.endForHost(host.id, 'the host was removed');
    await store.hosts.remove(host.id);
    log.info({ event: 'host.removed', host: host.name, by: c.get('identity').name }, 'host removed');
    record(c, host, 'host.deleted', describeNewHost(host));
    return c.body(null, 204);
  });

  app.post('/:id/host-key/accept', async (c) => {
    const host = await findHost(c.req.param('id'));
    const { fingerprint } = await readJson(c, acceptHostKeySchema);
    const pending = await store.hostKeys.getPending(host.id);
    if (!pending || pending.fingerprint !== fingerprint) {
      throw new ApiFailure('conflict', `no pending host key with fingerprint ${fingerprint} for "${host.name}"`);
    }
    const previous = await store.hostKeys.getPinned(host.id);
    await store.hostKeys.pin(host.id, { algorithm: pending.algorithm, fingerprint: pending.fingerprint });
    log.warn({ event: 'hostkey.accepted_change', host: host.name, old: previous?.fingerprint, new: fingerprint, by: c.get('identity').name }, 'changed host key accepted');
    record(c, host, 'hostkey.accepted', { algorithm: pending.algorithm, fingerprint, previous: previous?.fingerprint ?? null });
    return c.json(await view(host, c.get('identity')));
  });

  app.delete('/:id/host-key', async (c) => {
    const host = await findHost(c.req.param('id'));
    const previous = await store.hostKeys.getPinned(host.id);
    await store.hostKeys.forget(host.id);
    log.warn({ event: 'hostkey.forgotten', host: host.name, by: c.get('identity').name }, 'host key forgotten');
    record(c, host, 'hostkey.forgotten', { previous: previous?.fingerprint ?? null });
    return c.body(null, 204);
  });

  return app;
}
