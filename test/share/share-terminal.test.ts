// Sharing a live SSH session and lending a host, against real sshd: watch, co-drive, read-only enforced on the host, revoke cuts at once.
import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { CloseCode } from '../../shared/close-codes.js';
import type { CreatedShareLink, ShareEventView, ShareLinkView } from '../../shared/share-types.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { guestTerminal, openShare, tokenOf } from '../support/share-guest.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describeLab('sharing terminal sessions', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  let gw: TestGateway;
  let host: HostView;
  beforeAll(async () => {
    sshd = await startSshd();
    gw = await startTestGateway();
    host = await gw.addHost({ name: 'shared', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
  });
  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
  });

  async function share(body: Record<string, unknown>): Promise<CreatedShareLink> {
    const res = await gw.api<CreatedShareLink>('POST', '/api/shares', { expiresInMinutes: 30, audience: 'anyone', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  it('a read-only watcher sees the screen, and its keys never reach the host', async () => {
    const { client: owner, sessionId } = await gw.openTerminal(host.id, { cols: 100, rows: 30 });
    owner.type('cd /tmp && echo owner-ready-$((1+1))\r');
    await owner.waitForOutput('owner-ready-2');
    const link = await share({ kind: 'session', sessionId, mode: 'view' });
    expect(link.url).toMatch(/\/share\/#[A-Za-z0-9_-]{43}$/);
    const ticket = await openShare(gw.url, tokenOf(link));
    expect(ticket.status).toBe(200);
    expect(ticket.body.link).toMatchObject({ kind: 'session', hostName: 'shared', mode: 'view', sharedBy: 'Owner' });

    const guest = await guestTerminal(gw.url, ticket.body.pass, { cols: 60, rows: 10 });
    // A late joiner gets the current screen at once, at the owner's size.
    await guest.waitForOutput('owner-ready-2');
    const attached = guest.messages.find((m) => m.type === 'attached');
    expect(attached).toMatchObject({ role: 'view', cols: 100, rows: 30, restored: true });
    // The owner is told who is watching.
    await owner.waitFor(() => owner.messages.some((m) => m.type === 'viewers' && m.viewers.some((v) => v.role === 'view')), 'viewers list');

    const marker = `/tmp/porthole-readonly-${process.pid}-${Date.now()}`;
    guest.type(`touch ${marker}-guest\r`);
    guest.send({ type: 'resize', cols: 40, rows: 10 });
    // Then the owner proves the shell is alive and read everything sent before: the guest's line is not there.
    owner.type(`touch ${marker}-owner; ls ${marker}-* ; echo checked-$((2+3))\r`);
    await owner.waitForOutput('checked-5');
    await guest.waitForOutput('checked-5');
    expect(existsSync(`${marker}-owner`)).toBe(true);
    expect(existsSync(`${marker}-guest`)).toBe(false);
    // Nor did its resize: the session keeps the owner's size.
    expect(gw.gateway.sessions.get(sessionId)!.viewerList().length).toBe(2);
    owner.type('stty size\r');
    await owner.waitForOutput('30 100');

    // Revocation cuts the guest before the DELETE even returns.
    const revoked = await gw.api('DELETE', `/api/shares/${link.id}`);
    expect(revoked.status).toBe(204);
    const closed = await guest.closed;
    expect(closed.code).toBe(CloseCode.shareEnded);
    expect(closed.reason).toMatch(/revoked/);
    // The owner's session goes on.
    owner.type('echo still-here-$((3+4))\r');
    await owner.waitForOutput('still-here-7');
    // The pass is dead and the link cannot be opened again.
    const again = await guestTerminal(gw.url, ticket.body.pass);
    expect((await again.closed).code).toBe(CloseCode.forbidden);
    expect((await openShare(gw.url, tokenOf(link))).body.error?.code).toBe('revoked');

    const events = await gw.api<ShareEventView[]>('GET', `/api/shares/${link.id}/events`);
    expect(events.body.map((e) => e.event)).toEqual(expect.arrayContaining(['created', 'opened', 'joined', 'revoked']));
    owner.close();
  }, 60_000);

  it('a co-driver types into the owner\'s shell; the owner removes them', async () => {
    const { client: owner, sessionId } = await gw.openTerminal(host.id);
    owner.type('echo co-ready-$((1+1))\r');
    await owner.waitForOutput('co-ready-2');
    const link = await share({ kind: 'session', sessionId, mode: 'control' });
    const ticket = await openShare(gw.url, tokenOf(link));
    const guest = await guestTerminal(gw.url, ticket.body.pass);
    await guest.waitForOutput('co-ready-2');
    guest.type('echo from-guest-$((6*7))\r');
    await owner.waitForOutput('from-guest-42');

    const list = await gw.api<ShareLinkView[]>('GET', '/api/shares');
    const mine = list.body.find((l) => l.id === link.id)!;
    expect(mine.guests).toHaveLength(1);
    expect(mine.uses).toBe(1);
    const removed = await gw.api('DELETE', `/api/sessions/${sessionId}/viewers/${mine.guests[0]!.id}`);
    expect(removed.status).toBe(204);
    expect((await guest.closed).code).toBe(CloseCode.removed);
    // Removed means removed: the same pass does not get back in.
    const back = await guestTerminal(gw.url, ticket.body.pass);
    expect((await back.closed).code).toBe(CloseCode.forbidden);
    owner.close();
  }, 60_000);

  it('a burst of connections on one host-link pass starts one session, and a pass holds at most two connections', async () => {
    const link = await share({ kind: 'host', hostId: host.id, maxUses: 1 });
    const ticket = await openShare(gw.url, tokenOf(link));
    const before = gw.gateway.sessions.size;
    const burst = await Promise.all(Array.from({ length: 5 }, () => guestTerminal(gw.url, ticket.body.pass)));
    // Some were told the session is still starting; the rest share the one session.
    const attachedTo = new Set<string>();
    await Promise.all(
      burst.map(async (c) => {
        const outcome = await Promise.race([c.closed.then(() => 'closed'), c.waitFor(() => c.messages.some((m) => m.type === 'attached'), 'attached').then(() => 'attached')]);
        if (outcome === 'attached') attachedTo.add((c.messages.find((m) => m.type === 'attached') as { sessionId: string }).sessionId);
      }),
    );
    expect(attachedTo.size).toBe(1);
    expect(gw.gateway.sessions.size).toBe(before + 1);
    const session = gw.gateway.sessions.get([...attachedTo][0]!)!;
    await expect.poll(() => session.viewerList().length).toBeLessThanOrEqual(2);
    await gw.api('DELETE', `/api/shares/${link.id}`);
    await expect.poll(() => gw.gateway.sessions.get(session.id)).toBeUndefined();
    burst.forEach((c) => c.close());
  }, 60_000);

  it('a host link opens the host with its stored credential, for at most N sessions, never showing it', async () => {
    const link = await share({ kind: 'host', hostId: host.id, maxUses: 1, passcode: 'open sesame' });
    expect(link.maxUses).toBe(1);
    expect((await openShare(gw.url, tokenOf(link))).body.error?.code).toBe('passcode-required');
    expect((await openShare(gw.url, tokenOf(link), { passcode: 'wrong' })).body.error?.code).toBe('wrong-passcode');
    const ticket = await openShare(gw.url, tokenOf(link), { passcode: 'open sesame' });
    expect(ticket.status).toBe(200);
    expect(JSON.stringify(ticket.body)).not.toContain('BEGIN');
    const guest = await guestTerminal(gw.url, ticket.body.pass, { cols: 90, rows: 20 });
    guest.type('echo guest-shell-$((2+2)); stty size\r');
    await guest.waitForOutput('guest-shell-4');
    await guest.waitForOutput('20 90');
    expect(guest.messages.find((m) => m.type === 'attached')).toMatchObject({ role: 'owner' });
    // One use: the second open is refused.
    const second = await openShare(gw.url, tokenOf(link), { passcode: 'open sesame' });
    expect(second.status).toBe(410);
    expect(second.body.error?.code).toBe('used-up');
    // The guest's session is not the owner's and not listed as theirs.
    const guestSession = guest.messages.find((m) => m.type === 'attached')!;
    const sessions = await gw.api<{ id: string }[]>('GET', '/api/sessions');
    expect(sessions.body.map((s) => s.id)).not.toContain((guestSession as { sessionId: string }).sessionId);
    await gw.api('DELETE', `/api/shares/${link.id}`);
    expect((await guest.closed).code).toBe(CloseCode.shareEnded);
    expect(gw.logText()).not.toContain('open sesame');
  }, 60_000);
});
