// RDP desktops through the FreeRDP helper against real xrdp: known pixels (TLS and RDP security), typing in en-US and de-DE,
// clipboard both ways, resize, a wrong password named as such, and a killed helper that ends only its own session.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import { GuacStatus } from '../../shared/guac-status.js';
import { describeLab } from '../lab/availability.js';
import { SCENE } from '../lab/xvnc.js';
import { startXrdp, xrdpUnavailableReason, type LabXrdp } from '../lab/xrdp.js';
import { GuacScreen } from '../share/guac-screen.js';
import { GuacTestClient } from '../support/guac-client.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const HELPER = new URL('../../dist/native/porthole-rdp', import.meta.url).pathname;
const unavailable = xrdpUnavailableReason() ?? (existsSync(HELPER) ? null : 'needs the RDP helper built (Debian package freerdp2-dev, then npm run build:rdp)');

/** X keysyms as guacamole-common-js sends them. */
const KEY = { Return: 0xff0d, Shift_L: 0xffe1, ISO_Level3_Shift: 0xfe03 } as const;

describeLab('RDP desktops through the FreeRDP helper', unavailable, () => {
  let tls: LabXrdp;
  let rdpSecurity: LabXrdp;
  let gw: TestGateway;

  beforeAll(async () => {
    [tls, rdpSecurity, gw] = await Promise.all([startXrdp({ security: 'tls' }), startXrdp({ security: 'rdp' }), startTestGateway({}, 20_000)]);
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await Promise.all([tls?.stop(), rdpSecurity?.stop()]);
  });

  async function addHost(name: string, lab: LabXrdp, rdp: Record<string, string> = {}, password = lab.password): Promise<HostView> {
    const res = await gw.api<HostView>('POST', '/api/hosts', { name, protocol: 'rdp', address: lab.host, port: lab.port, username: lab.user, auth: { method: 'password', password }, rdp });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  async function open(hostId: string, size = { width: 1024, height: 768 }) {
    const session = (await gw.api<SessionView>('POST', '/api/sessions', { hostId })).body;
    const client = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=${size.width}&height=${size.height}`, { cookie: gw.cookie, origin: gw.url });
    const screen = new GuacScreen(client);
    return { client, session, screen };
  }

  /** The scene is up when the root colour and the white xterm are both on the screen. */
  async function sceneShown(screen: GuacScreen): Promise<void> {
    await expect
      .poll(async () => {
        await screen.update();
        if (screen.width === 0) return 'no frame';
        return JSON.stringify([screen.pixel(20, 20), screen.pixel(SCENE.xterm.x + 200, SCENE.xterm.y + 150)]);
      }, { timeout: 30_000 })
      .toBe(JSON.stringify([[...SCENE.root], [...SCENE.xtermBackground]]));
  }

  /** No window manager: keys go to the window under the pointer. */
  function pointAtXterm(client: GuacTestClient): void {
    client.send('mouse', SCENE.xterm.x + 150, SCENE.xterm.y + 150, 0);
  }

  function tap(client: GuacTestClient, keysym: number): void {
    client.send('key', keysym, 1);
    client.send('key', keysym, 0);
  }

  function typeText(client: GuacTestClient, text: string): void {
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      tap(client, cp < 0x100 ? cp : 0x1000000 + cp);
    }
  }

  it('shows the desktop with TLS, pins its certificate, and types into the xterm (en-US)', async () => {
    const host = await addHost('xrdp-tls', tls, { security: 'tls', keyboardLayout: 'en-US' });
    const { client, screen } = await open(host.id);
    await sceneShown(screen);
    // Trusted on first use, like an SSH host key: the pin is the certificate xrdp serves.
    const view = (await gw.api<HostView>('GET', `/api/hosts/${host.id}`)).body;
    expect(view.hostKey).toMatchObject({ algorithm: 'x509-sha256' });
    expect(view.hostKey!.fingerprint.replace(/^sha256:/, '').replace(/:/g, '').toLowerCase()).toBe(tls.certificateFingerprint);
    pointAtXterm(client);
    // Pause travels as RDP's own E1 sequence; it must not upset the helper (the keys after it still arrive).
    tap(client, 0xff13);
    typeText(client, 'hello rdp 42');
    tap(client, KEY.Return);
    await expect.poll(() => tls.typed(), { timeout: 20_000 }).toContain('hello rdp 42\n');
    client.close();
    // Once a certificate is pinned, RDP security (which has none) would skip it: refused, naming why.
    expect((await gw.api('PATCH', `/api/hosts/${host.id}`, { rdp: { security: 'rdp', keyboardLayout: 'en-US', domain: '' } })).status).toBe(200);
    const downgraded = await open(host.id);
    await downgraded.client.waitFor((l) => l.some((i) => i.opcode === 'error'), 'the refusal', 20_000);
    expect(downgraded.client.instructions.find((i) => i.opcode === 'error')!.args[0]).toMatch(/pinned certificate, and RDP security would skip it/);
    downgraded.client.close();
  }, 90_000);

  it('types a German layout: y and z, umlauts, and @ through AltGr (de-DE)', async () => {
    const host = await addHost('xrdp-de', tls, { keyboardLayout: 'de-DE' });
    const { client, screen } = await open(host.id);
    await sceneShown(screen);
    pointAtXterm(client);
    // What a browser sends for "yz äöü ß @": characters as keysyms; the gateway finds the keys on the host's layout.
    typeText(client, 'yz äöü ß ');
    client.send('key', KEY.Shift_L, 1);
    tap(client, 0xc4); // Ä
    client.send('key', KEY.Shift_L, 0);
    tap(client, 0x40); // @ (AltGr+Q on de-DE)
    tap(client, KEY.Return);
    await expect.poll(() => tls.typed(), { timeout: 20_000 }).toContain('yz äöü ß Ä@\n');
    client.close();
  }, 90_000);

  it('works over standard RDP security too, and carries the clipboard both ways', async () => {
    const host = await addHost('xrdp-rdpsec', rdpSecurity, { security: 'rdp' });
    const { client, screen } = await open(host.id);
    await sceneShown(screen);
    // In: the browser's clipboard, pasted by a middle-click in the xterm (selectToClipboard), then Return.
    const text = 'Grüße café ok';
    client.send('clipboard', 7, 'text/plain');
    client.send('blob', 7, Buffer.from(text, 'utf8').toString('base64'));
    client.send('end', 7);
    const inside = { x: SCENE.xterm.x + 150, y: SCENE.xterm.y + 150 };
    await expect
      .poll(
        () => {
          for (const mask of [0, 2, 0]) client.send('mouse', inside.x, inside.y, mask);
          tap(client, KEY.Return);
          return rdpSecurity.typed();
        },
        { timeout: 20_000, interval: 1_500 },
      )
      .toContain(text);
    // Out: double-clicking the banner's first word makes xterm own the clipboard; xrdp hands it to the gateway.
    // Under load the two clicks can reach xterm further apart than its double-click time, so it is repeated until it takes.
    await expect
      .poll(
        () => {
          for (const mask of [0, 1, 0, 1, 0]) client.send('mouse', SCENE.bannerAt.x, SCENE.bannerAt.y, mask);
          return client.instructions.some((i) => i.opcode === 'clipboard');
        },
        { timeout: 20_000, interval: 1_500 },
      )
      .toBe(true);
    const stream = client.instructions.find((i) => i.opcode === 'clipboard')!.args[0];
    await client.waitFor((l) => l.some((i) => i.opcode === 'end' && i.args[0] === stream), 'the end of the clipboard stream', 10_000);
    const received = Buffer.concat(client.instructions.filter((i) => i.opcode === 'blob' && i.args[0] === stream).map((i) => Buffer.from(i.args[1]!, 'base64'))).toString('utf8');
    expect(received).toBe('PORTHOLE');
    client.close();
  }, 90_000);

  it('follows the browser to a new size', async () => {
    const host = await addHost('xrdp-resize', tls);
    const { client, screen } = await open(host.id);
    await sceneShown(screen);
    client.send('size', 800, 600);
    await expect
      .poll(async () => {
        await screen.update();
        return `${screen.width}x${screen.height}`;
      }, { timeout: 30_000 })
      .toBe('800x600');
    await sceneShown(screen);
    client.close();
  }, 90_000);

  it('names a wrong password as such (xrdp shows a login screen instead of failing)', async () => {
    const host = await addHost('xrdp-wrong', tls, {}, 'not-the-password');
    const { client } = await open(host.id);
    await client.waitFor((l) => l.some((i) => i.opcode === 'error'), 'an error', 40_000);
    const error = client.instructions.find((i) => i.opcode === 'error')!;
    expect(error.args[0]).toMatch(/user name or password/i);
    expect(Number(error.args[1])).toBe(GuacStatus.clientUnauthorized);
    client.close();
  }, 60_000);

  it('ends only its own session when its helper is killed, with a clear message', async () => {
    // Two servers: xrdp gives one user one session, and a second client takes it over from the first.
    const helpers = () => new Set(execFileSync('pgrep', ['-P', String(process.pid), '-x', 'porthole-rdp'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number));
    const first = await open((await addHost('xrdp-kill-a', tls)).id);
    await sceneShown(first.screen);
    // Sessions of earlier tests may still have helpers (their grace period): the second session's is the one that is new.
    const before = helpers();
    const second = await open((await addHost('xrdp-kill-b', rdpSecurity, { security: 'rdp' })).id);
    await sceneShown(second.screen);
    const added = [...helpers()].filter((pid) => !before.has(pid));
    expect(added).toHaveLength(1);
    process.kill(added[0]!, 'SIGKILL');
    await second.client.waitFor((l) => l.some((i) => i.opcode === 'error'), 'the killed session\'s error', 20_000);
    expect(second.client.instructions.find((i) => i.opcode === 'error')!.args[0]).toMatch(/RDP helper stopped unexpectedly/);
    // The other session and the gateway go on.
    pointAtXterm(first.client);
    typeText(first.client, 'still alive');
    tap(first.client, KEY.Return);
    await expect.poll(() => tls.typed(), { timeout: 20_000 }).toContain('still alive\n');
    expect((await gw.api('GET', '/api/health')).status).toBe(200);
    first.client.close();
  }, 90_000);
});
