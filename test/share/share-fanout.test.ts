// One SSH session, many read-only watchers (real sshd): all render the owner's screen, and a watcher that stops reading never holds the owner back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import type { CreatedShareLink } from '../../shared/share-types.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { openShare, tokenOf } from '../support/share-guest.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { RenderedTerminal, type Screen } from './rendered-terminal.js';

const WATCHERS = 20;
const STREAM_BYTES = 5_000_000;

/** Both screens read now, on every poll: a prompt arriving after one read would otherwise never match. */
async function sameScreens(a: RenderedTerminal, b: RenderedTerminal): Promise<boolean> {
  const [x, y] = await Promise.all([a.screen(), b.screen()]);
  return JSON.stringify(x) === JSON.stringify(y);
}

describeLab('fan-out of one terminal session to many watchers', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  let gw: TestGateway;
  let host: HostView;
  beforeAll(async () => {
    sshd = await startSshd();
    gw = await startTestGateway();
    host = await gw.addHost({ name: 'fanout', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
  });
  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
  });

  async function ownerTerminal(cols: number, rows: number): Promise<{ owner: RenderedTerminal; sessionId: string }> {
    const session = await gw.api<SessionView>('POST', '/api/sessions', { hostId: host.id });
    expect(session.status).toBe(201);
    const url = `${gw.url.replace('http', 'ws')}/api/sessions/${session.body.id}/terminal?cols=${cols}&rows=${rows}`;
    return { owner: await RenderedTerminal.open({ url, headers: { cookie: gw.cookie, origin: gw.url } }), sessionId: session.body.id };
  }

  async function watcher(link: CreatedShareLink, size: { cols: number; rows: number }, autoAck = true): Promise<RenderedTerminal> {
    const ticket = await openShare(gw.url, tokenOf(link));
    expect(ticket.status).toBe(200);
    const url = `${gw.url.replace('http', 'ws')}/share/api/terminal?pass=${encodeURIComponent(ticket.body.pass)}&cols=${size.cols}&rows=${size.rows}`;
    return RenderedTerminal.open({ url, headers: { origin: gw.url }, autoAck });
  }

  async function share(sessionId: string): Promise<CreatedShareLink> {
    const res = await gw.api<CreatedShareLink>('POST', '/api/shares', { kind: 'session', sessionId, mode: 'view', audience: 'anyone', expiresInMinutes: 30 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  const text = (screen: Screen) => screen.lines.join('\n');

  it(`${WATCHERS} watchers and the owner render the same screen, at joining and live`, async () => {
    const { owner, sessionId } = await ownerTerminal(100, 30);
    owner.type("printf '\\033[1;31mred-%s\\033[0m plain %s\\n' a 1 b 2 c 3; echo painted-$((1+1))\r");
    await expect.poll(async () => text(await owner.screen())).toMatch(/^painted-2$/m);

    const link = await share(sessionId);
    // Each watcher asks for a size of its own; the session keeps the owner's.
    const watchers = await Promise.all(Array.from({ length: WATCHERS }, (_, i) => watcher(link, { cols: 40 + i, rows: 10 + i })));
    const screens = async () => Promise.all([owner, ...watchers].map(async (t) => JSON.stringify(await t.screen())));

    // Joining: everyone gets the current screen (colours and all) at the owner's size.
    await expect.poll(async () => new Set(await screens()).size).toBe(1);
    const joined = await owner.screen();
    expect(joined).toMatchObject({ cols: 100, rows: 30 });
    expect(text(joined)).toMatch(/^red-a plain 1\nred-b plain 2\nred-c plain 3\npainted-2$/m);
    for (const w of watchers) expect(w.messages.find((m) => m.type === 'attached')).toMatchObject({ role: 'view', restored: true, cols: 100, rows: 30 });
    const colour = (t: RenderedTerminal) => t.term.buffer.active.getLine(joined.lines.indexOf('red-a plain 1') + t.term.buffer.active.baseY)!.getCell(0)!.getFgColor();
    expect(colour(owner)).toBe(1);
    for (const w of watchers) expect(colour(w)).toBe(1);

    // Live: the owner repaints the screen; all 21 show the same result.
    owner.type('clear; seq 1 20; echo done-$((6*7))\r');
    await expect.poll(async () => (await owner.screen()).lines.slice(0, 21)).toEqual([...Array.from({ length: 20 }, (_, i) => String(i + 1)), 'done-42']);
    await expect.poll(async () => new Set(await screens()).size).toBe(1);
    expect(text(await watchers[WATCHERS - 1]!.screen())).toMatch(/^1\n2\n3\n(.*\n)*20\ndone-42\n/);
    await expect.poll(() => gw.gateway.sessions.get(sessionId)!.viewerList().length).toBe(WATCHERS + 1);

    for (const w of watchers) w.dispose();
    owner.dispose();
  }, 60_000);

  it('a watcher that stops acknowledging never stalls the owner, and is repainted when it catches up', async () => {
    const { owner, sessionId } = await ownerTerminal(100, 30);
    owner.type('echo owner-ready-$((2+1))\r');
    await expect.poll(async () => text(await owner.screen())).toMatch(/^owner-ready-3$/m);
    const link = await share(sessionId);
    const stalled = await watcher(link, { cols: 100, rows: 30 }, false);
    await expect.poll(async () => text(await stalled.screen())).toMatch(/^owner-ready-3$/m);

    const before = owner.bytesReceived;
    // Lines, not one endless line: the session's screen mirror keeps only the last megabyte of a burst, so the
    // wrap phase of a line longer than that is not something a repaint can know.
    owner.type(`yes porthole-fanout-line | head -c ${STREAM_BYTES}; echo; echo stream-done-$((2+2))\r`);
    // The owner gets every byte and the end marker although the watcher acknowledges nothing.
    await expect.poll(async () => text(await owner.screen()), { timeout: 30_000 }).toMatch(/^stream-done-4$/m);
    expect(owner.bytesReceived - before).toBeGreaterThanOrEqual(STREAM_BYTES);
    expect(gw.gateway.sessions.get(sessionId)!.stats().outputPaused).toBe(false);
    // The watcher was skipped once about a megabyte was outstanding: it has neither the rest nor the marker.
    expect(stalled.bytesReceived).toBeLessThan(2 * 1024 * 1024);
    expect(stalled.events).not.toContain('resync');
    expect(text(await stalled.screen())).not.toMatch(/stream-done-4/);

    // It catches up (acknowledges what it got): told to resync, then given the current screen whole.
    await expect
      .poll(
        () => {
          stalled.ackReceived();
          return stalled.events.includes('resync');
        },
        { message: 'a watcher that acknowledged every byte it received was never repainted' },
      )
      .toBe(true);
    const resyncAt = stalled.events.indexOf('resync');
    expect(stalled.events.slice(resyncAt + 1)).toContain('output');
    await expect.poll(() => sameScreens(stalled, owner)).toBe(true);
    expect(text(await stalled.screen())).toMatch(/^stream-done-4$/m);
    // And it is live again.
    owner.type('echo after-catch-up-$((3+4))\r');
    await expect.poll(async () => text(await stalled.screen())).toMatch(/^after-catch-up-7$/m);
    await expect.poll(() => sameScreens(stalled, owner)).toBe(true);

    stalled.dispose();
    owner.dispose();
  }, 90_000);
});
