// Sharing a live desktop (real Xvnc with the lab scene): owner and guests see the same pixels, watchers' keys never reach the host, revoking cuts them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import { GuacStatus, ROLE_OPCODE, VIEWERS_OPCODE } from '../../shared/guac-status.js';
import type { CreatedShareLink, SessionViewerInfo, ShareLinkView } from '../../shared/share-types.js';
import { describeLab } from '../lab/availability.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { guestDesktop, openShare, tokenOf } from '../support/share-guest.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { GuacScreen } from './guac-screen.js';

const GUESTS = 4;
const RETURN = 0xff0d;
/** Inside the xterm's text cursor (line 2, column 1, below the banner): white when the cursor is hollow, black when solid. */
const CURSOR_INSIDE = { x: 105, y: 122 };

/** Presses and releases each key of an ASCII word (X keysyms equal ASCII there), then Return. */
function typeLine(client: GuacTestClient, word: string): void {
  for (const keysym of [...[...word].map((c) => c.charCodeAt(0)), RETURN]) {
    client.send('key', keysym, 1);
    client.send('key', keysym, 0);
  }
}

/** Resolves once the gateway has handled everything this client sent before (it answers pings in order). */
async function roundTrip(client: GuacTestClient, tag: string): Promise<void> {
  client.send('', 'ping', tag);
  await client.waitFor((l) => l.some((i) => i.opcode === '' && i.args[0] === 'ping' && i.args[1] === tag), `the ping ${tag} echoed`);
}

function latestViewers(client: GuacTestClient): SessionViewerInfo[] {
  const last = client.instructions.filter((i) => i.opcode === VIEWERS_OPCODE).at(-1);
  return last ? (JSON.parse(last.args[0]!) as SessionViewerInfo[]) : [];
}

describeLab('sharing a desktop session', xvncUnavailableReason(), () => {
  let vnc: LabVnc;
  let gw: TestGateway;
  let host: HostView;
  beforeAll(async () => {
    [vnc, gw] = await Promise.all([startXvnc({ security: 'None' }), startTestGateway()]);
    host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'shared-desk', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'none' } })).body;
  });
  afterAll(async () => {
    await gw?.close();
    await vnc?.stop();
  });

  it(`the owner and ${GUESTS} watchers see the same screen; a watcher's keys never reach the host; revoking cuts them`, async () => {
    const session = (await gw.api<SessionView>('POST', '/api/sessions', { hostId: host.id })).body;
    // The scene's own size, so its known points stay where SCENE says.
    const owner = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=1024&height=768`, { cookie: gw.cookie, origin: gw.url });
    await owner.waitFor((l) => l.some((i) => i.opcode === 'sync'), "the owner's first frame");
    expect(owner.instructions.find((i) => i.opcode === ROLE_OPCODE)?.args).toEqual(['owner']);

    const res = await gw.api<CreatedShareLink>('POST', '/api/shares', { kind: 'session', sessionId: session.id, mode: 'view', audience: 'anyone', expiresInMinutes: 30 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const link = res.body;
    const guests: GuacTestClient[] = [];
    for (let i = 0; i < GUESTS; i++) {
      const ticket = await openShare(gw.url, tokenOf(link));
      expect(ticket.status).toBe(200);
      expect(ticket.body.link).toMatchObject({ kind: 'session', protocol: 'vnc', mode: 'view' });
      // Guests ask for sizes of their own: only the owner's reaches the host.
      guests.push(await guestDesktop(gw.url, ticket.body.pass, { width: 640 + 40 * i, height: 480 }));
    }
    for (const guest of guests) {
      await guest.waitFor((l) => l.some((i) => i.opcode === 'sync'), "a guest's first frame");
      expect(guest.instructions.find((i) => i.opcode === ROLE_OPCODE)?.args).toEqual(['view']);
    }
    // The owner is told who watches: itself and the four guests, each as a read-only viewer of this link.
    await owner.waitFor(() => latestViewers(owner).length === GUESTS + 1, 'the owner told of every guest');
    const viewers = latestViewers(owner);
    expect(viewers.filter((v) => v.role === 'owner')).toHaveLength(1);
    expect(viewers.filter((v) => v.role === 'view').map((v) => [v.name, v.linkId])).toEqual(Array(GUESTS).fill(['Guest', link.id]));
    // Guests are never told who else is there.
    for (const guest of guests) expect(guest.instructions.some((i) => i.opcode === VIEWERS_OPCODE)).toBe(false);

    // Same pixels everywhere, and they are the scene's.
    const screens = [owner, ...guests].map((c) => new GuacScreen(c));
    const hashes = async () => (await Promise.all(screens.map((s) => s.update()))).map((s) => s.hash());
    await expect.poll(async () => new Set(await hashes()).size).toBe(1);
    const ownerScreen = screens[0]!;
    expect([ownerScreen.width, ownerScreen.height]).toEqual([1024, 768]);
    for (const screen of screens) {
      expect(screen.pixel(10, 10)).toEqual([...SCENE.root]);
      expect(screen.pixel(1000, 700)).toEqual([...SCENE.root]);
      expect(screen.pixel(SCENE.xterm.x + 300, SCENE.xterm.y + 250)).toEqual([...SCENE.xtermBackground]);
    }
    // The banner's text is drawn: dark pixels in its first line, in every copy.
    const darkInBanner = (screen: GuacScreen) => {
      let dark = 0;
      for (let y = SCENE.xterm.y; y < SCENE.xterm.y + 16; y++) for (let x = SCENE.xterm.x; x < SCENE.xterm.x + 80; x++) if (screen.pixel(x, y).every((c) => c < 0x40)) dark++;
      return dark;
    };
    expect(darkInBanner(ownerScreen)).toBeGreaterThan(20);

    // A live change reaches everyone alike: the xterm draws a hollow cursor without the keyboard focus and a solid one
    // with it, and (no window manager) the focus follows the owner's pointer.
    const cursorSolid = (screen: GuacScreen) => screen.pixel(CURSOR_INSIDE.x, CURSOR_INSIDE.y).every((c) => c < 0x40);
    const allAgree = async (solid: boolean) => new Set(await hashes()).size === 1 && screens.every((s) => cursorSolid(s) === solid);
    owner.send('mouse', 10, 10, 0);
    await expect.poll(() => allAgree(false)).toBe(true);
    owner.send('mouse', SCENE.xterm.x + 200, SCENE.xterm.y + 150, 0);
    await expect.poll(() => allAgree(true)).toBe(true);

    // Keys: a watcher types first (and moves its pointer off the xterm, which would take the focus away)...
    const watcher = guests[0]!;
    watcher.send('mouse', 10, 10, 0);
    typeLine(watcher, 'guest');
    await roundTrip(watcher, 'guest-typed');
    // ...then the owner: only the owner's line reaches the shell behind the xterm.
    typeLine(owner, 'owner');
    await expect.poll(() => vnc.readTyped()).toContain('owner');
    expect(vnc.readTyped()).toBe('owner\n');

    // Still one picture for all, with the focus where the owner left it.
    await expect.poll(() => allAgree(true)).toBe(true);

    // Revoking cuts every guest at once, with a status and the reason; the owner goes on.
    expect((await gw.api('DELETE', `/api/shares/${link.id}`)).status).toBe(204);
    for (const guest of guests) {
      const closed = await guest.closed;
      expect(closed.reason).toBe(String(GuacStatus.clientForbidden));
      expect(guest.instructions.find((i) => i.opcode === 'error')?.args[0]).toMatch(/revoked/);
    }
    await owner.waitFor(() => latestViewers(owner).length === 1, 'the owner alone again');
    typeLine(owner, 'after');
    await expect.poll(() => vnc.readTyped()).toBe('owner\nafter\n');
    expect((await gw.api<ShareLinkView[]>('GET', '/api/shares')).body.find((l) => l.id === link.id)).toMatchObject({ state: 'revoked', guests: [] });
    owner.close();
    await gw.api('DELETE', `/api/sessions/${session.id}`);
  }, 60_000);
});
