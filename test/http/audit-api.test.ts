// The audit log through the API: what gets recorded (logins, tokens, hosts, host keys, share links), filters, paging, JSON-lines export, admins only, no secrets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventView, AuditPageView } from '../../shared/audit-types.js';
import { CSRF_HEADER, type CreatedApiToken, type HostView } from '../../shared/api-types.js';
import type { CreatedShareLink, ShareEventView } from '../../shared/share-types.js';
import { redeemLoginLink, sessionCookieOf } from '../support/login.js';
import { openShare, tokenOf } from '../support/share-guest.js';
import { addHostAsAdmin, NODES, startTailnetGateway, type TailnetGateway } from '../support/tailnet-gateway.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const SECRETS = {
  firstPassword: 'Audit-Host-Secret-1f9c',
  secondPassword: 'Audit-Host-Secret-2b7e',
  passcode: 'Passcode-Audit-93',
  wrongPasscode: 'Wrong-Passcode-Audit-41',
  bogusLoginToken: 'bogus-login-token-7c0d9a1e5b3f',
};

describe('audit API (local mode: the owner is the admin)', () => {
  let gw: TestGateway;
  const secrets: string[] = Object.values(SECRETS);
  let host: HostView;
  let link: CreatedShareLink;

  const audit = async (query = '') => {
    const res = await gw.api<AuditPageView>('GET', `/api/audit${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const actionsOf = (page: AuditPageView) => page.events.map((e) => e.action);

  beforeAll(async () => {
    gw = await startTestGateway();
    secrets.push(gw.cookie.split('=')[1]!);
    // A refused login link, then everything an admin does to hosts, keys, tokens and links.
    expect((await redeemLoginLink(`${gw.url}/login#${SECRETS.bogusLoginToken}`)).status).toBe(401);
    host = await gw.addHost({ name: 'audit-nas', address: '127.0.0.1', port: 22, username: 'ops', auth: { method: 'password', password: SECRETS.firstPassword } });
    expect((await gw.api('PATCH', `/api/hosts/${host.id}`, { name: 'audit-nas2', auth: { method: 'password', password: SECRETS.secondPassword } })).status).toBe(200);
    await gw.gateway.store.hostKeys.pin(host.id, { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:first' });
    expect((await gw.api('PATCH', `/api/hosts/${host.id}`, { port: 2222 })).status).toBe(200);
    await gw.gateway.store.hostKeys.pin(host.id, { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:pinned' });
    await gw.gateway.store.hostKeys.setPending(host.id, { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:changed' });
    expect((await gw.api('POST', `/api/hosts/${host.id}/host-key/accept`, { fingerprint: 'SHA256:changed' })).status).toBe(200);
    expect((await gw.api('DELETE', `/api/hosts/${host.id}/host-key`)).status).toBe(204);
    const token = await gw.api<CreatedApiToken>('POST', '/api/tokens', { name: 'backup script' });
    expect(token.status).toBe(201);
    secrets.push(token.body.token);
    expect((await gw.api('DELETE', `/api/tokens/${token.body.id}`)).status).toBe(204);
    const created = await gw.api<CreatedShareLink>('POST', '/api/shares', { kind: 'host', hostId: host.id, audience: 'anyone', expiresInMinutes: 60, maxUses: 2, passcode: SECRETS.passcode });
    expect(created.status).toBe(201);
    link = created.body;
    secrets.push(tokenOf(link));
    expect((await openShare(gw.url, tokenOf(link), { passcode: SECRETS.wrongPasscode })).status).toBe(401);
    const opened = await openShare(gw.url, tokenOf(link), { passcode: SECRETS.passcode });
    expect(opened.status).toBe(200);
    secrets.push(opened.body.pass);
    expect((await gw.api('DELETE', `/api/shares/${link.id}`)).status).toBe(204);
    // A second browser logs in and out.
    const second = sessionCookieOf(await redeemLoginLink(await gw.gateway.newLoginLink()));
    secrets.push(second.split('=')[1]!);
    const logout = await fetch(`${gw.url}/api/auth/logout`, { method: 'POST', headers: { cookie: second, origin: gw.url, [CSRF_HEADER]: '1' } });
    expect(logout.status).toBe(204);
    const deleted = await gw.addHost({ name: 'short-lived', address: '127.0.0.2', port: 22, username: 'x', auth: { method: 'keyboard-interactive' } });
    expect((await gw.api('DELETE', `/api/hosts/${deleted.id}`)).status).toBe(204);
  });
  afterAll(() => gw?.close());

  it('records logins, host, host-key, token and share-link events, newest first, by whom and from where', async () => {
    const page = await audit();
    expect(actionsOf(page).reverse()).toEqual([
      'auth.login', 'auth.login_refused',
      'host.created', 'host.credential_changed', 'host.updated', 'hostkey.accepted', 'hostkey.forgotten',
      'token.created', 'token.deleted',
      'share.created', 'share.refused', 'share.opened', 'share.revoked',
      'auth.login', 'auth.logout',
      'host.created', 'host.deleted',
    ]);
    const find = (action: string) => page.events.find((e) => e.action === action)!;
    expect(find('auth.logout').actor).toEqual({ principal: 'owner', name: 'Owner', device: null, address: '127.0.0.1' });
    expect(find('auth.login_refused').actor).toMatchObject({ principal: 'anonymous', address: '127.0.0.1' });
    expect(find('host.credential_changed')).toMatchObject({
      hostId: host.id, hostName: 'audit-nas2', protocol: 'ssh',
      detail: { changed: ['name', 'credential'], before: { name: 'audit-nas' }, after: { name: 'audit-nas2' }, credentialChanged: true },
    });
    expect(find('host.updated').detail).toMatchObject({ changed: ['port'], before: { port: 22 }, after: { port: 2222 }, hostKeyForgotten: true });
    expect(find('hostkey.accepted').detail).toEqual({ algorithm: 'ssh-ed25519', fingerprint: 'SHA256:changed', previous: 'SHA256:pinned' });
    expect(find('hostkey.forgotten').detail).toEqual({ previous: 'SHA256:changed' });
    expect(find('token.created').detail).toMatchObject({ name: 'backup script' });
    expect(find('token.deleted').detail).toMatchObject({ name: 'backup script' });
    expect(find('share.opened')).toMatchObject({ linkId: link.id, hostId: host.id, actor: { name: 'Guest', device: '127.0.0.1' }, detail: { text: 'use 1 of 2' } });
    expect(find('share.refused').detail).toEqual({ text: 'wrong passcode' });
  });

  it('keeps the Sharing page\'s trail in its old shape, read from the audit log', async () => {
    const res = await gw.api<ShareEventView[]>('GET', `/api/shares/${link.id}/events`);
    expect(res.status).toBe(200);
    expect(res.body.map(({ event, actor, source, detail }) => ({ event, actor, source, detail }))).toEqual([
      { event: 'created', actor: 'Owner', source: '127.0.0.1', detail: expect.stringContaining('SSH access to audit-nas2') },
      { event: 'refused', actor: 'Guest', source: '127.0.0.1', detail: 'wrong passcode' },
      { event: 'opened', actor: 'Guest', source: '127.0.0.1', detail: 'use 1 of 2' },
      { event: 'revoked', actor: 'Owner', source: '127.0.0.1', detail: '' },
    ]);
    expect(Object.keys(res.body[0]!).sort()).toEqual(['actor', 'at', 'detail', 'event', 'sessionId', 'source']);
  });

  it.each([
    // A family is a whole word: `host` is not `hostkey`.
    ['?action=host', ['host.deleted', 'host.created', 'host.updated', 'host.credential_changed', 'host.created']],
    ['?action=hostkey', ['hostkey.forgotten', 'hostkey.accepted']],
    ['?action=share.opened', ['share.opened']],
    ['?action=auth&actor=anonymous', ['auth.login_refused']],
    ['?host=NAS2&action=share', ['share.revoked', 'share.opened', 'share.refused', 'share.created']],
    ['?q=backup%20SCRIPT', ['token.deleted', 'token.created']],
    ['?q=short-lived&action=host.deleted', ['host.deleted']],
  ])('filters %s', async (query, expected) => {
    expect(actionsOf(await audit(query))).toEqual(expected);
  });

  it('filters by time (epoch ms or ISO 8601) and pages with `before`', async () => {
    const all = (await audit()).events;
    const middle = all[8]!.at;
    expect((await audit(`?from=${middle}&to=${middle + 1}`)).events.every((e) => e.at === middle)).toBe(true);
    expect((await audit(`?to=${new Date(all.at(-1)!.at).toISOString()}`)).events).toEqual([]);
    const seen: string[] = [];
    let next: string | null = '';
    while (next !== null) {
      const page: AuditPageView = await audit(`?limit=4${next ? `&before=${next}` : ''}`);
      expect(page.events.length).toBeLessThanOrEqual(4);
      seen.push(...page.events.map((e) => e.id));
      next = page.next;
    }
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it.each([['?limit=0'], ['?limit=501'], ['?before=not-an-id'], ['?from=yesterday']])('refuses %s with 400', async (query) => {
    const res = await gw.api<{ error: { code: string } }>('GET', `/api/audit${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad-request');
  });

  it('exports the filtered log as JSON lines, oldest first, as a dated attachment, and records the export', async () => {
    const res = await fetch(`${gw.url}/api/audit/export?action=share`, { headers: { cookie: gw.cookie, origin: gw.url } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="porthole-audit-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEventView);
    expect(lines.map((e) => e.action)).toEqual(['share.created', 'share.refused', 'share.opened', 'share.revoked']);
    expect(lines[0]).toMatchObject({ linkId: link.id, actor: { principal: 'owner' } });
    const exported = await audit('?action=audit.exported');
    expect(exported.events[0]!.detail).toEqual({ filters: { action: 'share' } });
  });

  it('keeps no secret: no password, passcode, link token, guest pass, API token or cookie in any audit row or in the Sharing trail', async () => {
    const res = await fetch(`${gw.url}/api/audit/export`, { headers: { cookie: gw.cookie, origin: gw.url } });
    const everything = (await res.text()) + JSON.stringify((await gw.api('GET', `/api/shares/${link.id}/events`)).body);
    expect(everything).toContain('share.opened'); // the dump is the real thing
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  // Last: it adds rows the tests above count.
  it('records a logout only when a login really ended, and a few refused logins a minute per address, not every one', async () => {
    const post = (path: string, init: { cookie?: string; body?: string }) =>
      fetch(`${gw.url}/api/auth/${path}`, { method: 'POST', headers: { origin: gw.url, [CSRF_HEADER]: '1', 'content-type': 'application/json', ...(init.cookie ? { cookie: init.cookie } : {}) }, body: init.body });
    expect((await post('logout', { cookie: 'porthole_session=made-up-by-anyone' })).status).toBe(204);
    const from = Date.now();
    for (let i = 0; i < 12; i++) expect((await post('login-link', { body: JSON.stringify({ token: `not-a-real-link-${i}-xxxxxxxxxxxx` }) })).status).toBe(401);
    const actions = actionsOf(await audit('?action=auth'));
    expect(actions.filter((a) => a === 'auth.logout')).toHaveLength(1); // the real one from before
    // At most five in a minute from one address (the setup's refusal may share that minute).
    const refused = actionsOf(await audit(`?action=auth.login_refused&from=${from}`)).length;
    expect(refused).toBeGreaterThanOrEqual(4);
    expect(refused).toBeLessThanOrEqual(5);
  });
});

describe('audit API in tailnet mode: admins only', () => {
  let tg: TailnetGateway;
  beforeAll(async () => {
    tg = await startTailnetGateway();
  });
  afterAll(() => tg?.close());

  it.each(['alice', 'bob', 'ci'] as const)('%s (no admin) gets 403 for the log and the export', async (who) => {
    for (const path of ['/api/audit', '/api/audit/export']) {
      const res = await tg.as(who).request<{ error: { code: string } }>('GET', path);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('the admin reads it, with the tailnet device and address of who did what', async () => {
    const host = await addHostAsAdmin(tg, { name: 'tn-audit', address: '127.0.0.1', port: 22, username: 'ops', auth: { method: 'password', password: 'tailnet-host-secret' } });
    const res = await tg.as('admin').request<AuditPageView>('GET', `/api/audit?host=${host.id}`);
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual([
      expect.objectContaining({
        action: 'host.created', hostName: 'tn-audit',
        actor: { principal: 'login:admin@example.com', name: 'Ada Admin', device: 'admin-desk.tail1234.ts.net', address: NODES.admin.addresses[0] },
      }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('tailnet-host-secret');
  });

  it('keeps one arrival per person and device in place of a login (tailnet mode has no login step)', async () => {
    for (let i = 0; i < 3; i++) expect((await tg.as('alice').request('GET', '/api/hosts')).status).toBe(200);
    await tg.as('bob').request('GET', '/api/hosts');
    const res = await tg.as('admin').request<AuditPageView>('GET', '/api/audit?action=auth.arrived');
    const alice = res.body.events.filter((e) => e.actor.principal === 'login:alice@example.com');
    expect(alice).toEqual([
      expect.objectContaining({ action: 'auth.arrived', actor: { principal: 'login:alice@example.com', name: 'Alice Example', device: 'alice-mbp.tail1234.ts.net', address: NODES.alice.addresses[0] } }),
    ]);
    expect(res.body.events.some((e) => e.actor.principal === 'login:bob@example.com')).toBe(true);
  });
});
