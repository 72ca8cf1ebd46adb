// The gateway's HTTP and WebSocket guards: login, CSRF, Origin and Host checks, headers, and secrets kept server-side.
import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/close-codes.js';
import type { CreatedApiToken, HostView } from '../../shared/api-types.js';
import { redeemLoginLink } from '../support/login.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

function upgrade(url: string, headers: Record<string, string>): Promise<{ status?: number; close?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('close', (code) => resolve({ close: code }));
    ws.on('error', () => {});
  });
}

describe('gateway guards', () => {
  let gw: TestGateway;
  let host: HostView;
  beforeAll(async () => {
    gw = await startTestGateway();
    host = await gw.addHost({ name: 'guarded', address: '127.0.0.1', port: 22, username: 'me', auth: { method: 'password', password: 'hunter2-secret' } });
  });
  afterAll(() => gw?.close());

  it('answers health without login and everything else only with one', async () => {
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
    const res = await fetch(`${gw.url}/api/hosts`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('never returns a credential', async () => {
    const list = await gw.api<HostView[]>('GET', '/api/hosts');
    expect(JSON.stringify(list.body)).not.toContain('hunter2-secret');
    expect(list.body[0]).toMatchObject({ authMethod: 'password', name: 'guarded' });
    expect(gw.logText()).not.toContain('hunter2-secret');
  });

  it.each([
    ['no CSRF header', { origin: 'SELF' }],
    ['a foreign Origin', { origin: 'http://evil.example', 'x-porthole-csrf': '1' }],
  ])('refuses a cookie state change with %s', async (_name, headers) => {
    const h: Record<string, string> = { cookie: gw.cookie, 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(headers)) h[k] = v === 'SELF' ? gw.url : v;
    const res = await fetch(`${gw.url}/api/hosts/${host.id}`, { method: 'DELETE', headers: h });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'csrf' } });
    expect((await gw.api('GET', `/api/hosts/${host.id}`)).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    // fetch may not set Host, so speak HTTP/1.1 by hand.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${gw.url}/api/health`, { headers: { host: `rebind.example:${gw.gateway.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('sets a strict CSP and a HttpOnly SameSite=Strict cookie', async () => {
    const res = await fetch(`${gw.url}/api/health`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const login = await redeemLoginLink(await gw.gateway.newLoginLink());
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('accepts a login link once only', async () => {
    const link = await gw.gateway.newLoginLink();
    const redeem = () => redeemLoginLink(link);
    expect((await redeem()).status).toBe(204);
    expect((await redeem()).status).toBe(401);
  });

  it('lets scripts use a bearer token without CSRF, and stops when it is deleted', async () => {
    const created = await gw.api<CreatedApiToken>('POST', '/api/tokens', { name: 'script' });
    expect(created.status).toBe(201);
    const auth = { authorization: `Bearer ${created.body.token}` };
    expect((await fetch(`${gw.url}/api/hosts`, { headers: auth })).status).toBe(200);
    const made = await fetch(`${gw.url}/api/sessions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ hostId: host.id }) });
    expect(made.status).toBe(201);
    const listed = await gw.api<{ id: string; lastUsedAt: number | null }[]>('GET', '/api/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(listed.body[0]?.lastUsedAt).not.toBeNull();
    expect((await gw.api('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
    expect((await fetch(`${gw.url}/api/hosts`, { headers: auth })).status).toBe(401);
  });

  it('rejects malformed bodies with a message naming the field', async () => {
    const res = await gw.api<{ error: { message: string } }>('POST', '/api/hosts', { name: 'x', address: 'bad address!', username: 'u', auth: { method: 'password', password: 'p' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/address/);
  });

  describe('terminal WebSocket upgrades', () => {
    let wsUrl: string;
    beforeAll(async () => {
      const session = await gw.api<{ id: string }>('POST', '/api/sessions', { hostId: host.id });
      wsUrl = `${gw.url.replace('http', 'ws')}/api/sessions/${session.body.id}/terminal`;
    });

    it('refuses a foreign Origin before upgrading', async () => {
      expect(await upgrade(wsUrl, { cookie: gw.cookie, origin: 'http://evil.example' })).toEqual({ status: 403 });
    });

    it('closes with "unauthorized" without a login, and refuses a cookie without Origin', async () => {
      expect(await upgrade(wsUrl, { origin: gw.url })).toEqual({ close: CloseCode.unauthorized });
      expect(await upgrade(wsUrl, { cookie: gw.cookie })).toEqual({ close: CloseCode.unauthorized });
    });

    it('closes with "not found" for a guessed session id', async () => {
      const guessed = wsUrl.replace(/sessions\/[^/]+\//, 'sessions/00000000-0000-0000-0000-000000000000/');
      expect(await upgrade(guessed, { cookie: gw.cookie, origin: gw.url })).toEqual({ close: CloseCode.sessionNotFound });
    });
  });
});
