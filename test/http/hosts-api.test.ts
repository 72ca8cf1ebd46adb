// Host management through the API: edit keeps or replaces the secret, a move forgets the pinned key, remove ends sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('hosts API', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.close());

  it('edits a host, keeping the stored secret when no auth is sent', async () => {
    const host = await gw.addHost({ name: 'edit-me', address: '127.0.0.1', port: 22, username: 'a', auth: { method: 'password', password: 'first-secret' } });
    const renamed = await gw.api<HostView>('PATCH', `/api/hosts/${host.id}`, { name: 'edited', username: 'b' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'edited', username: 'b', authMethod: 'password' });
    const stored = await gw.gateway.store.hosts.get(host.id);
    expect(stored?.credential).toEqual({ method: 'password', password: 'first-secret' });

    const rekeyed = await gw.api<HostView>('PATCH', `/api/hosts/${host.id}`, { auth: { method: 'key', privateKey: 'KEY-MATERIAL', passphrase: 'pp' } });
    expect(rekeyed.body).toMatchObject({ authMethod: 'key', hasPassphrase: true });
    expect(JSON.stringify(rekeyed.body)).not.toContain('KEY-MATERIAL');
  });

  it('forgets the pinned key when the host moves to another address', async () => {
    const host = await gw.addHost({ name: 'mover', address: '127.0.0.1', port: 22, username: 'a', auth: { method: 'keyboard-interactive' } });
    await gw.gateway.store.hostKeys.pin(host.id, { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:old' });
    expect((await gw.api<HostView>('PATCH', `/api/hosts/${host.id}`, { username: 'c' })).body.hostKey?.fingerprint).toBe('SHA256:old');
    expect((await gw.api<HostView>('PATCH', `/api/hosts/${host.id}`, { port: 2222 })).body.hostKey).toBeNull();
  });

  it('refuses a duplicate name with 409 and removes a host with its sessions', async () => {
    const host = await gw.addHost({ name: 'unique', address: '127.0.0.1', port: 22, username: 'a', auth: { method: 'keyboard-interactive' } });
    const dup = await gw.api<{ error: { code: string } }>('POST', '/api/hosts', { name: 'unique', address: '127.0.0.2', username: 'a', auth: { method: 'keyboard-interactive' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    const session = await gw.api<SessionView>('POST', '/api/sessions', { hostId: host.id });
    expect(session.status).toBe(201);
    expect((await gw.api('DELETE', `/api/hosts/${host.id}`)).status).toBe(204);
    const live = await gw.api<SessionView[]>('GET', '/api/sessions');
    expect(live.body.map((s) => s.id)).not.toContain(session.body.id);
    expect((await gw.api('GET', `/api/hosts/${host.id}`)).status).toBe(404);
  });
});
