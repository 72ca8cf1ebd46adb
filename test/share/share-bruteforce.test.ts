// Guessing share links, and who may use them, on a tailnet-mode gateway: per-source token limits, per-link passcode limits, Funnel's reach, tailnet-bound passes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { CloseCode } from '../../shared/close-codes.js';
import { GuacStatus } from '../../shared/guac-status.js';
import type { CreatedShareLink, GuestTicket, ShareEventView, ShareLinkView } from '../../shared/share-types.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { guestDesktop, guestTerminal, tokenOf } from '../support/share-guest.js';
import { addHostAsAdmin, NODES, startTailnetGateway, type TailnetGateway } from '../support/tailnet-gateway.js';
import { TerminalClient } from '../support/terminal-client.js';

type OpenAnswer = GuestTicket & { error?: { code: string; message: string } };

/** What tailscaled adds to a request that came in through Funnel: the marker, and the public client's address. */
function funnel(publicIp: string): Record<string, string> {
  return { 'tailscale-funnel-request': '?1', 'x-forwarded-for': publicIp };
}

/** A token that was never issued (same shape and length as real ones). */
function guessedToken(): string {
  return randomBytes(32).toString('base64url');
}

describeLab('guessing share links and who may open them (tailnet mode)', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  let tg: TailnetGateway;
  let host: HostView;
  /** A live session of the admin's that session links share. */
  let adminShell: TerminalClient;
  let adminSession: string;

  beforeAll(async () => {
    sshd = await startSshd();
    tg = await startTailnetGateway();
    host = await addHostAsAdmin(tg, { name: 'lab-ssh', address: '127.0.0.1', port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
    const opened = await tg.as('admin').openTerminal(host.id);
    adminShell = opened.client;
    adminSession = opened.sessionId;
    adminShell.type('echo admin-ready-$((20+1))\r');
    await adminShell.waitForOutput('admin-ready-21');
  });
  afterAll(async () => {
    adminShell?.close();
    await tg?.close();
    await sshd?.stop();
  });

  async function share(body: Record<string, unknown>): Promise<CreatedShareLink> {
    const res = await tg.as('admin').request<CreatedShareLink>('POST', '/api/shares', { body: { expiresInMinutes: 30, ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  /** POST /share/api/open from a node (or any loopback address), with extra headers such as Funnel's. */
  function open(from: string, token: string, options: { passcode?: string; headers?: Record<string, string> } = {}) {
    const body = { token, ...(options.passcode !== undefined ? { passcode: options.passcode } : {}) };
    return tg.as(from).request<OpenAnswer>('POST', '/share/api/open', { body, headers: options.headers });
  }

  const linkView = async (id: string) => (await tg.as('admin').request<ShareLinkView[]>('GET', '/api/shares')).body.find((l) => l.id === id)!;

  describe('rate limits', () => {
    it('token guessing is blocked per source: after 10 wrong tokens the 11th attempt, even with a valid token, is 429 with Retry-After', async () => {
      const link = await share({ kind: 'host', hostId: host.id, maxUses: 5, audience: 'anyone' });
      const guesser = funnel('198.51.100.7');
      for (let i = 0; i < 10; i++) {
        const miss = await open('127.0.0.1', guessedToken(), { headers: guesser });
        expect(miss.status).toBe(404);
        expect(miss.body.error?.code).toBe('not-found');
      }
      const blocked = await open('127.0.0.1', tokenOf(link), { headers: guesser });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error?.code).toBe('rate-limited');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // The block held the valid token back before it was looked at: no use was spent.
      expect((await linkView(link.id)).uses).toBe(0);
      // Per source: another public address, and a tailnet person, still open it.
      expect((await open('127.0.0.1', tokenOf(link), { headers: funnel('198.51.100.8') })).status).toBe(200);
      expect((await open('alice', tokenOf(link))).status).toBe(200);
      // A tailnet person is one source whatever the request says it forwards for.
      for (let i = 0; i < 10; i++) expect((await open('mallory', guessedToken(), { headers: { 'x-forwarded-for': `192.0.2.${i}` } })).status).toBe(404);
      expect((await open('mallory', tokenOf(link))).status).toBe(429);
    });

    it('passcode guessing is blocked per link even when every guess comes from a new address; the right passcode waits too', async () => {
      const link = await share({ kind: 'host', hostId: host.id, maxUses: 5, audience: 'anyone', passcode: 'pin-4821' });
      for (let i = 1; i <= 5; i++) {
        const wrong = await open('127.0.0.1', tokenOf(link), { passcode: `pin-000${i}`, headers: funnel(`203.0.113.${i}`) });
        expect(wrong.status).toBe(401);
        expect(wrong.body.error?.code).toBe('wrong-passcode');
      }
      // A sixth address that never guessed, with the right passcode: the link itself is locked.
      const locked = await open('127.0.0.1', tokenOf(link), { passcode: 'pin-4821', headers: funnel('203.0.113.77') });
      expect(locked.status).toBe(429);
      expect(locked.body.error?.code).toBe('rate-limited');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await open('alice', tokenOf(link), { passcode: 'pin-4821' })).status).toBe(429);
      expect((await linkView(link.id)).uses).toBe(0);
      // Other links are not locked by it.
      const other = await share({ kind: 'host', hostId: host.id, maxUses: 1, audience: 'anyone', passcode: 'pin-4821' });
      expect((await open('127.0.0.1', tokenOf(other), { passcode: 'pin-4821', headers: funnel('203.0.113.77') })).status).toBe(200);
      const events = (await tg.as('admin').request<ShareEventView[]>('GET', `/api/shares/${link.id}/events`)).body;
      expect(events.filter((e) => e.event === 'refused' && e.detail === 'wrong passcode').map((e) => e.source)).toEqual(
        [1, 2, 3, 4, 5].map((i) => `203.0.113.${i} (internet)`),
      );
    });

    it('a wrong pass on the guest WebSockets is refused, and ten of them block that source even for a valid pass', async () => {
      const link = await share({ kind: 'session', sessionId: adminSession, mode: 'view', audience: 'anyone' });
      const ticket = await open('127.0.0.1', tokenOf(link), { headers: funnel('198.51.100.20') });
      expect(ticket.status).toBe(200);
      const prober = funnel('198.51.100.21');

      const wrong = await guestTerminal(tg.url, guessedToken(), { headers: prober });
      const refused = await wrong.closed;
      expect(refused.code).toBe(CloseCode.forbidden);
      expect(refused.reason).toMatch(/no longer valid/);
      const wrongDesktop = await guestDesktop(tg.url, guessedToken(), { headers: prober });
      expect((await wrongDesktop.closed).reason).toBe(String(GuacStatus.clientUnauthorized));
      expect(wrongDesktop.instructions.find((i) => i.opcode === 'error')?.args[0]).toMatch(/no longer valid/);
      for (let i = 0; i < 8; i++) expect((await (await guestTerminal(tg.url, guessedToken(), { headers: prober })).closed).code).toBe(CloseCode.forbidden);

      // Ten wrong passes from this address: its valid pass is held back too...
      const held = await (await guestTerminal(tg.url, ticket.body.pass, { headers: prober })).closed;
      expect(held.code).toBe(CloseCode.forbidden);
      expect(held.reason).toMatch(/too many wrong attempts/);
      // ...while the same pass from the address that opened the link works.
      const watcher = await guestTerminal(tg.url, ticket.body.pass, { headers: funnel('198.51.100.20') });
      await watcher.waitForOutput('admin-ready-21');
      expect((await watcher.waitForMessage('attached')).role).toBe('view');
      watcher.close();
    });
  });

  describe('Funnel and the tailnet', () => {
    it('a Funnel request reaches nothing but the guest routes, whatever address it comes from', async () => {
      const outside = funnel('198.51.100.30');
      for (const from of ['127.0.0.1', 'admin']) {
        for (const path of ['/api/hosts', '/', '/api/sessions', '/api/health', '/api/shares']) {
          const res = await tg.as(from).request('GET', path, { headers: outside });
          expect(res.status, `${from} GET ${path}`).toBe(403);
        }
        expect((await tg.as(from).request('POST', '/api/shares', { headers: outside, body: { kind: 'host', hostId: host.id, expiresInMinutes: 5, audience: 'anyone' } })).status).toBe(403);
      }
      // The owner's session WebSockets are refused before upgrading, even from the admin's own device.
      const wsBase = `${tg.url.replace('http', 'ws')}/api/sessions`;
      for (const [path, localAddress] of [
        [`${wsBase}/x/terminal`, '127.0.0.1'],
        [`${wsBase}/${adminSession}/terminal`, NODES.admin.addresses[0]!],
      ] as const) {
        await expect(TerminalClient.open({ url: path, headers: { origin: tg.url, ...outside }, localAddress })).rejects.toThrow(/HTTP 403/);
      }
      // Without the Funnel marker the admin's device does reach them (the refusal above is Funnel's, not the address's).
      expect((await tg.as('admin').request('GET', '/api/hosts')).status).toBe(200);
    });

    it('/share/api/open on Funnel opens a link for anyone and refuses a tailnet-only one', async () => {
      const forAnyone = await share({ kind: 'session', sessionId: adminSession, mode: 'view', audience: 'anyone' });
      const forTailnet = await share({ kind: 'session', sessionId: adminSession, mode: 'view', audience: 'tailnet' });
      // Links for anyone point at the Funnel origin; tailnet links at the owner's own page.
      expect(forAnyone.url).toMatch(/^https:\/\/porthole\.tail1234\.ts\.net:8443\/share\/#/);
      expect(forTailnet.url.startsWith(`${tg.url}/share/#`)).toBe(true);

      const opened = await open('127.0.0.1', tokenOf(forAnyone), { headers: funnel('198.51.100.40') });
      expect(opened.status).toBe(200);
      expect(opened.body.link).toMatchObject({ kind: 'session', mode: 'view', hostName: 'lab-ssh' });
      const stranger = await guestTerminal(tg.url, opened.body.pass, { headers: funnel('198.51.100.40') });
      await stranger.waitForOutput('admin-ready-21');
      stranger.close();

      const refused = await open('127.0.0.1', tokenOf(forTailnet), { headers: funnel('198.51.100.40') });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('tailnet-only');
      // Not through Funnel, but still nobody the tailnet knows (an address whois does not match): refused too.
      expect((await open('127.0.0.99', tokenOf(forTailnet))).body.error?.code).toBe('tailnet-only');
      expect((await linkView(forTailnet.id)).uses).toBe(0);
    });

    it('a tailnet person opens a tailnet link, and the pass works only from that person, not from another node or Funnel', async () => {
      const link = await share({ kind: 'session', sessionId: adminSession, mode: 'view', audience: 'tailnet' });
      const bob = NODES.bob.addresses[0]!;
      const ticket = await open('bob', tokenOf(link));
      expect(ticket.status).toBe(200);

      const asBob = await guestTerminal(tg.url, ticket.body.pass, { localAddress: bob });
      await asBob.waitForOutput('admin-ready-21');
      // The owner sees Bob by name and device.
      await adminShell.waitFor(
        () => adminShell.messages.some((m) => m.type === 'viewers' && m.viewers.some((v) => v.role === 'view' && v.name === 'Bob Builder')),
        'Bob in the viewers list',
      );

      for (const [who, headers, localAddress] of [
        ['alice', {}, NODES.alice.addresses[0]!],
        ['funnel', funnel('198.51.100.50'), '127.0.0.1'],
      ] as const) {
        const stolen = await guestTerminal(tg.url, ticket.body.pass, { headers, localAddress });
        const closed = await stolen.closed;
        expect(closed.code, who).toBe(CloseCode.forbidden);
        if (who === 'alice') expect(closed.reason).toMatch(/someone else/);
      }
      // Bob is still watching after the attempts.
      adminShell.type('echo bob-still-sees-$((7*6))\r');
      await asBob.waitForOutput('bob-still-sees-42');
      const guests = (await linkView(link.id)).guests;
      expect(guests).toHaveLength(1);
      expect(guests[0]).toMatchObject({ name: 'Bob Builder', source: 'bob@example.com · bobs-phone.tail1234.ts.net', mode: 'view' });
      asBob.close();
    });
  });
});
