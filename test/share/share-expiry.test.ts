// Share links expire on the gateway's clock: guests are cut by the sweeper when the clock passes expiresAt, with no request made.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { CloseCode } from '../../shared/close-codes.js';
import type { CreatedShareLink, ShareEventView, ShareLinkView } from '../../shared/share-types.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { guestTerminal, openShare, tokenOf } from '../support/share-guest.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describeLab('share links expire on the gateway clock', sshdUnavailableReason(), () => {
  /** The gateway's share clock: moved by hand; `reads` counts how often the gateway looked at it (the sweeper does, every 250 ms). */
  const clock = { at: Date.now(), reads: 0 };
  let sshd: LabSshd;
  let gw: TestGateway;
  let host: HostView;
  beforeAll(async () => {
    sshd = await startSshd();
    gw = await startTestGateway({}, 5_000, { now: () => (clock.reads++, clock.at) });
    host = await gw.addHost({ name: 'expiring', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
  });
  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
  });

  async function share(body: Record<string, unknown>): Promise<CreatedShareLink> {
    const res = await gw.api<CreatedShareLink>('POST', '/api/shares', { audience: 'anyone', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  /** Lets the sweeper run a few times at the current clock (each sweep reads it). */
  async function letSweeperRun(): Promise<void> {
    const seen = clock.reads;
    await expect.poll(() => clock.reads).toBeGreaterThanOrEqual(seen + 3);
  }

  it('a watcher of a live session and a guest in a host-link session are cut when their links expire, each at its own time', async () => {
    const start = clock.at;
    const { client: owner, sessionId } = await gw.openTerminal(host.id);
    owner.type('echo owner-up-$((1+1))\r');
    await owner.waitForOutput('owner-up-2');

    const watchLink = await share({ kind: 'session', sessionId, mode: 'view', expiresInMinutes: 10 });
    const hostLink = await share({ kind: 'host', hostId: host.id, maxUses: 1, expiresInMinutes: 20 });
    expect(watchLink.expiresAt).toBe(start + 10 * 60_000);
    expect(hostLink.expiresAt).toBe(start + 20 * 60_000);

    const watcher = await guestTerminal(gw.url, (await openShare(gw.url, tokenOf(watchLink))).body.pass);
    await watcher.waitForOutput('owner-up-2');
    const hostTicket = await openShare(gw.url, tokenOf(hostLink));
    expect(hostTicket.status).toBe(200);
    const visitor = await guestTerminal(gw.url, hostTicket.body.pass);
    visitor.type('echo visitor-up-$((2+2))\r');
    await visitor.waitForOutput('visitor-up-4');
    const visitorSession = (await visitor.waitForMessage('attached')).sessionId;

    // A millisecond before the first expiry: sweeps come and go, and nobody is cut.
    clock.at = watchLink.expiresAt - 1;
    await letSweeperRun();
    owner.type('echo still-watched-$((3+3))\r');
    await watcher.waitForOutput('still-watched-6');

    // At expiresAt the sweeper cuts the watcher on its own: no request is made from here until it closes.
    clock.at = watchLink.expiresAt;
    const cut = await watcher.closed;
    expect(cut.code).toBe(CloseCode.shareEnded);
    expect(cut.reason).toMatch(/expired/);
    // The host link has ten minutes left: its guest goes on, and so does the owner.
    await letSweeperRun();
    visitor.type('echo visitor-alive-$((4+4))\r');
    await visitor.waitForOutput('visitor-alive-8');
    owner.type('echo owner-alive-$((5+5))\r');
    await owner.waitForOutput('owner-alive-10');
    expect(visitor.ws.readyState).toBe(visitor.ws.OPEN);

    clock.at = hostLink.expiresAt + 5_000;
    const ended = await visitor.closed;
    expect(ended.code).toBe(CloseCode.shareEnded);
    expect(ended.reason).toMatch(/expired/);
    // The guest's own session ended with its link; the owner's did not.
    await expect.poll(() => gw.gateway.sessions.get(visitorSession)).toBeUndefined();
    owner.type('echo owner-stays-$((6+6))\r');
    await owner.waitForOutput('owner-stays-12');

    // Afterwards the links refuse, and the trail says why.
    const reopen = await openShare(gw.url, tokenOf(watchLink));
    expect(reopen.status).toBe(410);
    expect(reopen.body.error?.code).toBe('expired');
    // The visitor's pass ended with the link: it opens nothing any more.
    const oldPass = await guestTerminal(gw.url, hostTicket.body.pass);
    expect((await oldPass.closed).code).toBe(CloseCode.forbidden);
    const list = await gw.api<ShareLinkView[]>('GET', '/api/shares');
    expect(list.body.filter((l) => l.id === watchLink.id || l.id === hostLink.id).map((l) => [l.state, l.guests.length])).toEqual([
      ['expired', 0],
      ['expired', 0],
    ]);
    for (const link of [watchLink, hostLink]) {
      await expect
        .poll(async () => (await gw.api<ShareEventView[]>('GET', `/api/shares/${link.id}/events`)).body.map((e) => e.event))
        .toEqual(expect.arrayContaining(['created', 'opened', 'joined', 'expired']));
    }
    owner.close();
  }, 60_000);
});
