// /api/hosts: list, add, edit and remove hosts, and accept or forget their SSH host keys.
import { Hono } from 'hono';
import { acceptHostKeySchema, createHostSchema, updateHostSchema } from '../../../shared/api-types.js';
import { toHostView } from '../../hosts/host-view.js';
import type { Logger } from '../../log.js';
import type { SessionRegistry } from '../../sessions/session-registry.js';
import type { HostRecord, Store } from '../../store/types.js';
import { ApiFailure, readJson } from '../errors.js';
import type { GatewayEnv } from '../request-guards.js';

export function hostRoutes(store: Store, sessions: SessionRegistry, log: Logger) {
  const app = new Hono<GatewayEnv>();

  async function findHost(id: string): Promise<HostRecord> {
    const host = await store.hosts.get(id);
    if (!host) throw new ApiFailure('not-found', `no host with id "${id}"`);
    return host;
  }

  function assertEditable(host: HostRecord): void {
    if (host.source === 'config') throw new ApiFailure('conflict', `host "${host.name}" is defined in porthole.yaml; edit it there`);
  }

  app.get('/', async (c) => {
    const hosts = await store.hosts.list();
    return c.json(await Promise.all(hosts.map((h) => toHostView(h, store.hostKeys))));
  });

  app.get('/:id', async (c) => c.json(await toHostView(await findHost(c.req.param('id')), store.hostKeys)));

  app.post('/', async (c) => {
    const input = await readJson(c, createHostSchema);
    const host = await store.hosts.create({ ...input, source: 'ui' });
    log.info({ event: 'host.created', host: host.name, by: c.get('identity').name }, 'host added');
    return c.json(await toHostView(host, store.hostKeys), 201);
  });

  app.patch('/:id', async (c) => {
    const before = await findHost(c.req.param('id'));
    assertEditable(before);
    const patch = await readJson(c, updateHostSchema);
    const host = await store.hosts.update(before.id, patch);
    if (!host) throw new ApiFailure('not-found', `no host with id "${before.id}"`);
    if (host.address !== before.address || host.port !== before.port) {
      // A new address is a new machine as far as trust goes: its key must be confirmed again.
      await store.hostKeys.forget(host.id);
      sessions.endForHost(host.id, 'the host was moved to another address');
    }
    log.info({ event: 'host.updated', host: host.name, credentialChanged: !!patch.auth, by: c.get('identity').name }, 'host edited');
    return c.json(await toHostView(host, store.hostKeys));
  });

  app.delete('/:id', async (c) => {
    const host = await findHost(c.req.param('id'));
    assertEditable(host);
    sessions.endForHost(host.id, 'the host was removed');
    await store.hosts.remove(host.id);
    log.info({ event: 'host.removed', host: host.name, by: c.get('identity').name }, 'host removed');
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
    return c.json(await toHostView(host, store.hostKeys));
  });

  app.delete('/:id/host-key', async (c) => {
    const host = await findHost(c.req.param('id'));
    await store.hostKeys.forget(host.id);
    log.warn({ event: 'hostkey.forgotten', host: host.name, by: c.get('identity').name }, 'host key forgotten');
    return c.body(null, 204);
  });

  return app;
}
