// Tailnet mode end to end over HTTP and WebSocket: bind rules, identity per request, forged headers, Funnel, policy, tailnet machines.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView, MeView, PeerView, PortProbeView } from '../../shared/api-types.js';
import { CloseCode } from '../../shared/close-codes.js';
import { embeddedConfig } from '../../server/config/config.js';
import { startGateway } from '../../server/gateway.js';
import { describeLab } from '../lab/availability.js';
import { freePort } from '../lab/ports.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { addHostAsAdmin, NODES, startTailnetGateway, type TailnetGateway } from '../support/tailnet-gateway.js';
import { startTailscaledDouble } from '../support/tailscaled-double.js';
import { capturedLog } from '../support/test-gateway.js';
import { TerminalClient } from '../support/terminal-client.js';

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('tailnet mode: binding', () => {
  let tg: TailnetGateway;
  beforeAll(async () => {
    tg = await startTailnetGateway();
  });
  afterAll(() => tg?.close());

  it('listens on loopback and the node\'s Tailscale address, and nowhere else', async () => {
    expect(tg.gateway.mode).toBe('tailnet');
    expect(tg.gateway.listening).toEqual(['127.0.0.1', '127.0.0.20']);
    expect(tg.gateway.publicUrl).toBe(`http://porthole.tail1234.ts.net:${tg.gateway.port}`);
    expect(await tcpAnswers('127.0.0.20', tg.gateway.port)).toBe(true);
    // Another loopback address proves the socket is bound to the addresses, not to the wildcard.
    expect(await tcpAnswers('127.0.0.21', tg.gateway.port)).toBe(false);
  });

  it('answers to its MagicDNS names and Tailscale address, not to a foreign Host (DNS rebinding)', async () => {
    const port = tg.gateway.port;
    for (const host of [`porthole.tail1234.ts.net:${port}`, `porthole:${port}`, `127.0.0.20:${port}`]) {
      expect((await tg.as('alice').request('GET', '/api/me', { headers: { host } })).status, host).toBe(200);
    }
    expect((await tg.as('alice').request('GET', '/api/me', { headers: { host: `evil.example:${port}` } })).status).toBe(403);
  });

  it('skips a Tailscale address that is on no interface (userspace networking) and says so', async () => {
    // The cast's gateway address is bindable; this one is on no interface, as in the tailscale image's userspace mode.
    const double = await startTailscaledDouble({ self: { ...NODES.gateway, addresses: ['100.101.1.1'] }, peers: [] });
    const dataDir = mkdtempSync(join(tmpdir(), 'porthole-userspace-'));
    const { log, logText } = capturedLog();
    const gateway = await startGateway(embeddedConfig(dataDir, { mode: 'tailnet', tailscaleSockets: [double.socketPath] }), { log });
    try {
      expect(gateway.listening).toEqual(['127.0.0.1']);
      expect(logText()).toContain('"event":"gateway.tailnet_address_unbound"');
      expect(logText()).toContain('100.101.1.1');
    } finally {
      await gateway.close();
      await double.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('tailnet mode: who is asking', () => {
  let tg: TailnetGateway;
  beforeAll(async () => {
    tg = await startTailnetGateway();
  });
  afterAll(() => tg?.close());

  it('names a person by whois: name, login, device; permissions from their grant', async () => {
    const { status, body } = await tg.as('alice').request<MeView>('GET', '/api/me');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      mode: 'tailnet',
      capability: 'example.com/cap/porthole',
      identity: { kind: 'person', name: 'Alice Example', login: 'alice@example.com', via: 'tailnet', device: { name: 'alice-mbp.tail1234.ts.net', os: 'macOS' } },
      permissions: { role: 'operator', manageHosts: false, grants: [{ hosts: ['lab-ssh', 'tag:lab'], protocols: ['ssh'], share: false, role: 'operator', users: ['porthole-lab'] }] },
    });
  });

  it('names a tagged device by its tags, with access from a porthole.yaml rule', async () => {
    const { body } = await tg.as('ci').request<MeView>('GET', '/api/me');
    expect(body.identity).toMatchObject({ kind: 'tagged-device', tags: ['tag:ci'], name: 'tag:ci' });
    expect(body.identity.login).toBeUndefined();
    expect(body.permissions).toMatchObject({ role: 'operator', grants: [{ hosts: ['tag:lab'], protocols: ['ssh'] }] });
  });

  it('gives admin from a porthole.yaml rule keyed by login', async () => {
    expect((await tg.as('admin').request<MeView>('GET', '/api/me')).body.permissions).toMatchObject({ role: 'admin', manageHosts: true });
  });

  it('identifies a person without any grant, who may do nothing', async () => {
    const { body } = await tg.as('mallory').request<MeView>('GET', '/api/me');
    expect(body.permissions).toEqual({ role: null, grants: [], share: false, manageHosts: false });
    expect((await tg.as('mallory').request<unknown[]>('GET', '/api/hosts')).body).toEqual([]);
    expect((await tg.as('mallory').request<unknown[]>('GET', '/api/tailnet/peers')).body).toEqual([]);
  });

  it('the forged-header attack: serve headers from a node whois knows are ignored; the request is that node', async () => {
    const forged = { 'tailscale-user-login': 'admin@example.com', 'tailscale-user-name': 'Ada Admin' };
    const me = await tg.as('mallory').request<MeView>('GET', '/api/me', { headers: forged });
    expect(me.body.identity).toMatchObject({ login: 'mallory@example.com', via: 'tailnet' });
    const add = await tg.as('mallory').request('POST', '/api/hosts', { headers: forged, body: { name: 'x', address: '127.0.0.1', port: 22, username: 'u', auth: { method: 'keyboard-interactive' } } });
    expect(add.status).toBe(403);
    expect(add.body).toMatchObject({ error: { code: 'forbidden', message: 'Mallory may not manage hosts and credentials (admins only)' } });
  });

  it('trusts serve headers only from loopback when whois has no match (tailscale serve on this machine)', async () => {
    const viaServe = await tg.as('127.0.0.1').request<MeView>('GET', '/api/me', { headers: { 'tailscale-user-login': 'admin@example.com', 'tailscale-user-name': '=?utf-8?q?Ada_Adm=C3=AFn?=' } });
    expect(viaServe.status).toBe(200);
    expect(viaServe.body.identity).toMatchObject({ kind: 'person', login: 'admin@example.com', name: 'Ada Admïn', via: 'serve' });
    expect(viaServe.body.permissions.role).toBe('admin');
  });

  it('refuses loopback without serve headers, and an unknown source', async () => {
    const res = await tg.as('127.0.0.1').request('GET', '/api/hosts');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { message: expect.stringMatching(/answers only to tailnet devices/) } });
    expect((await tg.as('127.0.0.99').request('GET', '/api/me')).status).toBe(401);
  });

  it('has no owner login link in tailnet mode', async () => {
    expect((await tg.as('alice').request('POST', '/api/auth/login-link', { body: { token: 'x'.repeat(43) } })).status).toBe(404);
  });

  it('an ambient tailnet login still needs the CSRF header and our Origin for state changes', async () => {
    const noHeader = await tg.as('admin').request('POST', '/api/hosts', { headers: { 'x-porthole-csrf': '' }, body: {} });
    expect(noHeader.body).toMatchObject({ error: { code: 'csrf' } });
    const foreign = await tg.as('admin').request('POST', '/api/hosts', { headers: { origin: 'https://evil.example' }, body: {} });
    expect(foreign.body).toMatchObject({ error: { code: 'csrf' } });
  });

  it.each([
    ['hangs', { hang: true }, /did not answer/],
    ['refuses whois', { deny: true }, /403/],
  ])('fails closed with 503 when tailscaled %s', async (_what, flip, message) => {
    Object.assign(tg.double.options, flip);
    try {
      const res = await tg.as('alice').request('GET', '/api/me');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(message) } });
    } finally {
      tg.double.options.hang = false;
      tg.double.options.deny = false;
    }
  });
});

describe('tailnet mode: serve through a unix socket', () => {
  let tg: TailnetGateway;
  let socketPath: string;
  beforeAll(async () => {
    socketPath = join(mkdtempSync(join(tmpdir(), 'porthole-serve-')), 'serve.sock');
    tg = await startTailnetGateway({ config: { serveSocket: socketPath } });
  });
  afterAll(() => tg?.close());

  /** What tailscale serve does with "Proxy": "unix:PATH": the original Host, its identity headers. */
  function viaServe(path: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ socketPath, path, headers: { host: 'porthole.tail1234.ts.net', ...headers } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('listens on the socket, owner-only, and trusts serve headers there', async () => {
    expect(tg.gateway.listening).toContain(`unix:${socketPath}`);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    const me = await viaServe('/api/me', { 'tailscale-user-login': 'admin@example.com', 'tailscale-user-name': 'Ada Admin' });
    expect(me).toMatchObject({ status: 200, body: { identity: { login: 'admin@example.com', via: 'serve' }, permissions: { role: 'admin' } } });
  });

  it('no longer trusts serve headers on loopback TCP, where any local process could send them', async () => {
    const forged = await tg.as('127.0.0.1').request('GET', '/api/me', { headers: { 'tailscale-user-login': 'admin@example.com' } });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ error: { message: expect.stringMatching(/loopback requests carry no identity here/) } });
    // Tailnet nodes are still named by whois.
    expect((await tg.as('alice').request<MeView>('GET', '/api/me')).body.identity.login).toBe('alice@example.com');
  });

  it('refuses Funnel requests arriving on the socket outside guest routes', async () => {
    expect((await viaServe('/api/me', { 'tailscale-funnel-request': '?1', 'tailscale-user-login': 'admin@example.com' })).status).toBe(403);
  });
});

describe('tailnet mode: Funnel reaches only guest routes', () => {
  let tg: TailnetGateway;
  beforeAll(async () => {
    tg = await startTailnetGateway();
  });
  afterAll(() => tg?.close());

  const funnel = { 'tailscale-funnel-request': '?1' };
  it.each(['/api/me', '/api/hosts', '/', '/hosts', '/assets/app.js', '/api/health'])('refuses %s', async (path) => {
    const res = await tg.as('127.0.0.1').request('GET', path, { headers: funnel });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { message: 'this address is open to the public internet only for shared links' } });
  });

  it('refuses it even with identity headers, and even from a known node', async () => {
    expect((await tg.as('127.0.0.1').request('GET', '/api/me', { headers: { ...funnel, 'tailscale-user-login': 'admin@example.com' } })).status).toBe(403);
    expect((await tg.as('admin').request('GET', '/api/me', { headers: funnel })).status).toBe(403);
  });

  it('lets the guest page and the guest API through the guard', async () => {
    const page = await tg.as('127.0.0.1').request('GET', '/share/', { headers: funnel });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toMatch(/text\/html/);
    const open = await tg.as('127.0.0.1').request<{ error: { code: string } }>('POST', '/share/api/open', { headers: funnel, body: { token: 'x'.repeat(43) } });
    expect(open.status).toBe(404);
    expect(open.body.error.code).toBe('not-found');
  });

  it('refuses a terminal WebSocket upgrade', async () => {
    const upgrade = TerminalClient.open({ url: `${tg.url.replace('http', 'ws')}/api/sessions/abc/terminal`, headers: { origin: tg.url, ...funnel } });
    await expect(upgrade).rejects.toThrow(/HTTP 403/);
  });
});

describeLab('tailnet mode: hosts, tailnet machines and sessions by policy', sshdUnavailableReason(), () => {
  let tg: TailnetGateway;
  let sshd: LabSshd;
  let vncStandIn: Server;
  let labHost: HostView;
  let nasHost: HostView;
  let closedPort: number;
  const vncPort = { value: 0 };

  beforeAll(async () => {
    // pve1 is 127.0.0.7 on the tailnet: the lab sshd listens there too, and a plain listener stands in for VNC.
    sshd = await startSshd({ extraConfig: [`ListenAddress ${NODES.pve1.addresses[0]}`] });
    vncPort.value = await freePort();
    closedPort = await freePort();
    vncStandIn = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => vncStandIn.listen(vncPort.value, NODES.pve1.addresses[0], resolve));
    tg = await startTailnetGateway({ config: { tailnetSshPort: sshd.port }, probePorts: { ssh: [sshd.port], vnc: [vncPort.value], rdp: [closedPort] } });
    labHost = await addHostAsAdmin(tg, { name: 'lab-ssh', address: '127.0.0.1', port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password } });
    nasHost = await addHostAsAdmin(tg, { name: 'nas-box', address: '127.0.0.1', port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password } });
  });
  afterAll(async () => {
    await tg?.close();
    vncStandIn?.close();
    await sshd?.stop();
  });

  it('lists to each identity only the stored hosts it may open; admins see all', async () => {
    const names = async (who: 'alice' | 'bob' | 'admin') => (await tg.as(who).request<HostView[]>('GET', '/api/hosts')).body.map((h) => h.name).sort();
    expect(await names('alice')).toEqual(['lab-ssh']);
    expect(await names('bob')).toEqual([]);
    expect(await names('admin')).toEqual(['lab-ssh', 'nas-box']);
    expect((await tg.as('bob').request('GET', `/api/hosts/${labHost.id}`)).status).toBe(404);
  });

  it('lists tailnet machines by policy, with OS, addresses, tags and online state', async () => {
    const alice = (await tg.as('alice').request<PeerView[]>('GET', '/api/tailnet/peers')).body;
    expect(alice).toEqual([expect.objectContaining({ name: 'pve1', dnsName: 'pve1.tail1234.ts.net', addresses: ['127.0.0.7'], os: 'linux', tags: ['tag:lab'], online: true, canOpen: ['ssh'], isSelf: false })]);
    const bob = (await tg.as('bob').request<PeerView[]>('GET', '/api/tailnet/peers')).body;
    expect(bob).toEqual([expect.objectContaining({ name: 'jellyfin', online: false, lastSeen: '2026-11-20T08:00:00Z', canOpen: ['ssh', 'vnc'] })]);
    const admin = (await tg.as('admin').request<PeerView[]>('GET', '/api/tailnet/peers')).body;
    expect(admin[0]).toMatchObject({ name: 'porthole', isSelf: true });
    expect(admin.map((p) => p.name)).toEqual(['porthole', 'admin-desk', 'alice-mbp', 'bobs-phone', 'ci-runner', 'jellyfin', 'mallory', 'pve1']);
  });

  it('probes SSH, VNC and RDP ports on request, only on machines the caller may open', async () => {
    const pve1 = `ts:${NODES.pve1.stableId}`;
    const probe = await tg.as('alice').request<PortProbeView>('POST', `/api/tailnet/peers/${pve1}/probe`);
    expect(probe.body).toEqual({ ssh: [sshd.port], vnc: [vncPort.value], rdp: [] });
    expect((await tg.as('bob').request('POST', `/api/tailnet/peers/${pve1}/probe`)).status).toBe(404);
  });

  it('opens SSH on a tailnet machine in one click: no stored credential, the password asked in the browser, the key pinned', async () => {
    const pve1 = `ts:${NODES.pve1.stableId}`;
    const { client } = await tg.as('alice').openTerminal(pve1, sshd.user);
    const prompt = await client.waitForMessage('prompt', 15_000);
    expect(prompt.prompts[0]?.prompt).toMatch(/password/i);
    client.send({ type: 'prompt-answer', answers: [sshd.password] });
    await client.waitForMessage('attached', 15_000);
    client.type('echo "where=$SSH_CONNECTION"\r');
    // sshd reports the address it was reached on: the tailnet machine's, not the stored hosts' 127.0.0.1.
    await client.waitForOutput(/where=\S+ \d+ 127\.0\.0\.7 \d+/);
    client.close();
    const peers = (await tg.as('alice').request<PeerView[]>('GET', '/api/tailnet/peers')).body;
    expect(peers[0]?.hostKey?.fingerprint).toBe(sshd.hostKeyFingerprint);
  });

  it('opens a tailnet machine only as an account the grant allows, never root by default', async () => {
    const pve1 = `ts:${NODES.pve1.stableId}`;
    const asRoot = await tg.as('alice').request('POST', '/api/sessions', { body: { hostId: pve1, username: 'root' } });
    expect(asRoot.status).toBe(403);
    expect(asRoot.body).toMatchObject({ error: { message: 'Alice Example may not open pve1 over SSH as root' } });
    // Without a name, Alice's own account is used, which her grant does not list.
    expect((await tg.as('alice').request('POST', '/api/sessions', { body: { hostId: pve1 } })).body).toMatchObject({ error: { message: 'Alice Example may not open pve1 over SSH as alice' } });
    // A tagged device has no own account: it must name one.
    expect((await tg.as('ci').request('POST', '/api/sessions', { body: { hostId: pve1 } })).body).toMatchObject({ error: { code: 'bad-request', message: 'name the account to log in to pve1 as' } });
  });

  it('keeps the gateway\'s own machine away from everyone but admins', async () => {
    const self = `ts:${NODES.gateway.stableId}`;
    const wide = await startTailnetGateway({ access: [{ logins: ['mallory@example.com'], role: 'operator', hosts: ['*'], protocols: ['ssh'], users: ['*'] }] });
    try {
      expect((await wide.as('mallory').request<PeerView[]>('GET', '/api/tailnet/peers')).body.map((p) => p.name)).not.toContain('porthole');
      expect((await wide.as('mallory').request('POST', '/api/sessions', { body: { hostId: self, username: 'root' } })).status).toBe(404);
      expect((await wide.as('mallory').request('POST', `/api/tailnet/peers/${self}/probe`)).status).toBe(404);
    } finally {
      await wide.close();
    }
  });

  it('refuses a session on a host the policy does not give, with a message that names it', async () => {
    const stored = await tg.as('bob').request('POST', '/api/sessions', { body: { hostId: labHost.id } });
    expect(stored.status).toBe(403);
    expect(stored.body).toMatchObject({ error: { message: 'Bob Builder may not open lab-ssh over SSH' } });
    const peer = await tg.as('bob').request('POST', '/api/sessions', { body: { hostId: `ts:${NODES.pve1.stableId}` } });
    expect(peer.body).toMatchObject({ error: { message: 'Bob Builder may not open pve1 over SSH as bob' } });
    expect((await tg.as('alice').request('POST', '/api/sessions', { body: { hostId: nasHost.id } })).status).toBe(403);
  });

  it('a tagged device opens a lab machine through its porthole.yaml rule, and its session is its own', async () => {
    const { client, sessionId } = await tg.as('ci').openTerminal(`ts:${NODES.pve1.stableId}`, sshd.user);
    await client.waitForMessage('prompt', 15_000);
    // Another identity cannot attach to it: the id answers like a missing session.
    const thief = await TerminalClient.open({ url: `${tg.url.replace('http', 'ws')}/api/sessions/${sessionId}/terminal`, headers: { origin: tg.url }, localAddress: NODES.alice.addresses[0] });
    expect((await thief.closed).code).toBe(CloseCode.sessionNotFound);
    expect((await tg.as('alice').request<unknown[]>('GET', '/api/sessions')).body.some((s) => (s as { id: string }).id === sessionId)).toBe(false);
    client.close();
  });

  it('asks the policy again at every attach: a withdrawn grant stops the next re-attach', async () => {
    const { client, sessionId } = await tg.as('alice').openTerminal(labHost.id);
    await client.waitForMessage('attached', 15_000);
    client.close();
    await client.closed;
    const alice = tg.double.options.peers.find((p) => p.stableId === NODES.alice.stableId)!;
    const granted = alice.capMap;
    alice.capMap = {};
    try {
      // A new connection has a new source port, so whois is asked afresh (the cache is per ip:port).
      const again = await TerminalClient.open({ url: `${tg.url.replace('http', 'ws')}/api/sessions/${sessionId}/terminal`, headers: { origin: tg.url }, localAddress: NODES.alice.addresses[0] });
      expect(await again.closed).toEqual({ code: CloseCode.forbidden, reason: 'you may no longer open lab-ssh' });
    } finally {
      alice.capMap = granted;
    }
    await tg.as('alice').request('DELETE', `/api/sessions/${sessionId}`);
  });

  it('keeps host and credential management and API tokens to admins', async () => {
    const patch = await tg.as('alice').request('PATCH', `/api/hosts/${labHost.id}`, { body: { name: 'renamed' } });
    expect(patch.status).toBe(403);
    expect((await tg.as('alice').request('DELETE', `/api/hosts/${labHost.id}`)).status).toBe(403);
    expect((await tg.as('alice').request('GET', '/api/tokens')).status).toBe(403);
    expect((await tg.as('alice').request('DELETE', `/api/tailnet/peers/ts:${NODES.pve1.stableId}/host-key`)).status).toBe(403);
    const token = await tg.as('admin').request<{ token: string }>('POST', '/api/tokens', { body: { name: 'ci' } });
    expect(token.status).toBe(201);
    // A token works from any source, even one tailscaled does not know, and needs no CSRF header.
    const me = await tg.as('127.0.0.1').request<MeView>('GET', '/api/me', { headers: { authorization: `Bearer ${token.body.token}` } });
    expect(me.body.identity).toMatchObject({ kind: 'token', via: 'token', name: 'token ci of Ada Admin' });
    expect(me.body.permissions.role).toBe('admin');
  });

  it('a token acts as its maker with the maker\'s rights, never more', async () => {
    // An admin whose only host is nas-box mints a token: the token opens nas-box and nothing else.
    const narrow = await startTailnetGateway({ access: [{ logins: ['admin@example.com'], role: 'admin', hosts: ['nas-box'], protocols: ['ssh'] }] });
    try {
      const created = await narrow.as('admin').request<{ token: string; owner: string }>('POST', '/api/tokens', { body: { name: 'script' } });
      expect(created.body.owner).toBe('Ada Admin');
      const bearer = { authorization: `Bearer ${created.body.token}` };
      const me = await narrow.as('127.0.0.1').request<MeView>('GET', '/api/me', { headers: bearer });
      expect(me.body.permissions.grants).toEqual([{ hosts: ['nas-box'], protocols: ['ssh'], share: false, role: 'admin', users: ['admin'] }]);
      const pve1 = await narrow.as('127.0.0.1').request('POST', '/api/sessions', { headers: bearer, body: { hostId: `ts:${NODES.pve1.stableId}`, username: 'admin' } });
      expect(pve1.status).toBe(403);
    } finally {
      await narrow.close();
    }
  });
});
