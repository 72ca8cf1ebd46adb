// The Live page in Chromium on a tailnet: an admin lists everyone's sessions, watches one read-only in plain sight, and ends it; the owner sees both.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startXvnc, xvncUnavailableReason } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { screenText } from '../support/screen.js';
import { startSocks5Proxy, type Socks5Proxy } from '../support/socks5-proxy.js';
import { ACCESS_RULES, addHostAsAdmin, NODES, startTailnetGateway, type NodeName, type TailnetGateway } from '../support/tailnet-gateway.js';
import type { TerminalClient } from '../support/terminal-client.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
const MAGIC_DNS = 'porthole.tail1234.ts.net';
const markerName = `porthole-live-${process.pid}-${Date.now()}`;
const marker = `/tmp/${markerName}`;

const reason = sshdUnavailableReason() ?? chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');

async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.pane:not([hidden]) .xterm').click();
  await page.keyboard.type(text);
}

describeLab('the Live page in Chromium', reason, () => {
  let sshd: LabSshd;
  let tg: TailnetGateway;
  let browser: Browser;
  let lab: HostView;
  let home: string;
  let bob: { client: TerminalClient; sessionId: string };
  const proxies: Socks5Proxy[] = [];
  const contexts: BrowserContext[] = [];

  /** A browser context that is `who` on the tailnet: its proxy dials the gateway from that node's address. */
  async function pageAs(who: NodeName, options: { width?: number; height?: number; dark?: boolean } = {}): Promise<Page> {
    const proxy = await startSocks5Proxy({
      localAddress: NODES[who].addresses[0],
      route: (host, port) => (host === MAGIC_DNS && port === tg.gateway.port ? { host: '127.0.0.1', port } : undefined),
    });
    proxies.push(proxy);
    const context = await browser.newContext({ proxy: { server: proxy.url }, viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, colorScheme: options.dark ? 'dark' : 'light' });
    // Terminals are read through xterm.js's screen-reader tree, as a person would read them.
    await context.addInitScript(() => localStorage.setItem('porthole.preferences', JSON.stringify({ screenReaderMode: true })));
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [sshd, browser] = await Promise.all([startSshd(), launchChromium()]);
    // Bob may open the lab host too: two people with sessions on it.
    tg = await startTailnetGateway({ access: [...ACCESS_RULES, { logins: ['bob@example.com'], role: 'operator', hosts: ['lab-ssh'], protocols: ['ssh'] }] });
    lab = await addHostAsAdmin(tg, { name: 'lab-ssh', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
    home = `http://${MAGIC_DNS}:${tg.gateway.port}`;
  });
  afterAll(async () => {
    bob?.client.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    for (const p of proxies) await p.close();
    await tg?.close();
    await sshd?.stop();
    rmSync(`${marker}-owner`, { force: true });
    rmSync(`${marker}-admin`, { force: true });
  });

  it('an admin lists everyone\'s sessions, watches one read-only (the owner sees it), and ends it with a reason the owner reads', async () => {
    // Alice opens a terminal in her browser; Bob has one open from a script.
    const alice = await pageAs('alice');
    await alice.goto(`${home}/hosts`);
    await alice.getByRole('link', { name: 'Connect to lab-ssh' }).click();
    const question = alice.getByRole('dialog');
    await expect.poll(() => question.innerText()).toContain(sshd.hostKeyFingerprint);
    await question.getByRole('button', { name: 'Trust and connect' }).click();
    await typeInTerminal(alice, 'cd /tmp && echo "alice-$((6*7))"\n');
    await expect.poll(() => screenText(alice)).toContain('alice-42');
    bob = await tg.as('bob').openTerminal(lab.id);

    const admin = await pageAs('admin');
    await admin.goto(`${home}/live`);
    await expect.poll(() => admin.getByRole('link', { name: 'Live' }).isVisible()).toBe(true);
    const items = admin.locator('article.live-item');
    await expect.poll(() => items.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')).sort())).toEqual(["Alice Example's session on lab-ssh", "Bob Builder's session on lab-ssh"]);
    const aliceItem = admin.getByRole('article', { name: "Alice Example's session on lab-ssh" });
    await expect.poll(() => aliceItem.innerText()).toMatch(/lab-ssh[\s\S]*SSH[\s\S]*Live[\s\S]*Alice Example · alice-mbp[\s\S]*started[\s\S]*1 viewer/);
    expect(await admin.getByRole('article', { name: "Bob Builder's session on lab-ssh" }).innerText()).toContain('Bob Builder · bobs-phone');
    await admin.screenshot({ path: join(shots, 'live-list-light.png'), fullPage: true });

    const dark = await pageAs('admin', { dark: true });
    await dark.goto(`${home}/live`);
    await expect.poll(() => dark.locator('article.live-item').count()).toBe(2);
    await dark.screenshot({ path: join(shots, 'live-list-dark.png'), fullPage: true });
    const phone = await pageAs('admin', { width: 390, height: 844 });
    await phone.goto(`${home}/live`);
    await expect.poll(() => phone.locator('article.live-item').count()).toBe(2);
    await phone.screenshot({ path: join(shots, 'live-list-phone.png'), fullPage: true });

    // Watch: Alice's screen at once, marked read-only.
    await aliceItem.getByRole('link', { name: "Watch Alice Example's session on lab-ssh" }).click();
    await expect.poll(() => new URL(admin.url()).search).toMatch(/^\?watch=/);
    await expect.poll(() => screenText(admin)).toContain('alice-42');
    expect(await admin.locator('.watch-bar').innerText()).toMatch(/lab-ssh[\s\S]*Alice Example's terminal · alice-mbp[\s\S]*Read-only/);
    // The host records by default: the watcher is told so, as the owner is beside her session.
    await expect.poll(() => admin.locator('.watch-bar').getByText('Recorded', { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => alice.locator('.session-tools').getByText('Recorded', { exact: true }).isVisible()).toBe(true);
    // Never secret: Alice's page says someone is watching, and who.
    const chip = alice.locator('.workspace .viewers-chip');
    await expect.poll(() => chip.innerText()).toBe('1 watching');
    await chip.click();
    await expect.poll(() => alice.getByRole('dialog', { name: 'Viewers of this session' }).innerText()).toMatch(/Ada Admin[\s\S]*watching/);
    await alice.screenshot({ path: join(shots, 'live-owner-watched.png') });
    await alice.keyboard.press('Escape');

    // The admin's keys never reach the host; Alice's shell proves it read everything sent before.
    await typeInTerminal(admin, `touch ${marker}-admin\n`);
    await typeInTerminal(alice, `touch ${marker}-owner; ls ${marker}-*; echo "checked-$((2+3))"\n`);
    await expect.poll(() => screenText(alice)).toContain('checked-5');
    await expect.poll(() => screenText(admin)).toContain('checked-5');
    expect(existsSync(`${marker}-owner`)).toBe(true);
    expect(existsSync(`${marker}-admin`)).toBe(false);
    await admin.screenshot({ path: join(shots, 'live-watch-light.png') });

    // A phone watches Bob's, then the admin ends Alice's from the watch bar.
    await phone.getByRole('link', { name: "Watch Bob Builder's session on lab-ssh" }).click();
    await expect.poll(() => phone.locator('.watch-bar').innerText()).toContain('Read-only');
    await expect.poll(() => phone.locator('.pane .xterm').count()).toBe(1);
    await phone.screenshot({ path: join(shots, 'live-watch-phone.png') });

    await admin.getByRole('button', { name: 'End session' }).click();
    const confirm = admin.getByRole('dialog', { name: "End Alice Example's session on lab-ssh?" });
    await expect.poll(() => confirm.innerText()).toContain('an admin ended it');
    await confirm.getByRole('button', { name: 'End session' }).click();
    await expect.poll(() => new URL(admin.url()).pathname + new URL(admin.url()).search).toBe('/live');
    await expect.poll(() => admin.locator('article.live-item').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(["Bob Builder's session on lab-ssh"]);
    // Alice's page says who ended it.
    await expect.poll(() => alice.locator('.pane:not([hidden])').innerText()).toContain('ended by an admin (Ada Admin)');
    await alice.screenshot({ path: join(shots, 'live-owner-ended.png') });
  }, 120_000);

  it.skipIf(xvncUnavailableReason() !== null)('watches a desktop read-only with the desktop toolbar under the watch bar', async () => {
    const vnc = await startXvnc({ security: 'None' });
    try {
      const desk = await addHostAsAdmin(tg, { name: 'desk', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'none' } });
      // Admins reach what their grants name; the cast's admin may open every host, so the admin owns this one.
      const created = await tg.as('admin').request<{ id: string }>('POST', '/api/sessions', { body: { hostId: desk.id } });
      const owner = await GuacTestClient.open(`${tg.url.replace('http', 'ws')}/api/sessions/${created.body.id}/desktop?width=1024&height=700`, { origin: tg.url }, NODES.admin.addresses[0]);
      await owner.waitFor((l) => l.some((i) => i.opcode === 'size'), 'the first frame');
      const page = await pageAs('admin', { dark: true });
      await page.goto(`${home}/live?watch=${created.body.id}`);
      await expect.poll(() => page.locator('.watch-bar').innerText()).toMatch(/desk[\s\S]*Ada Admin's desktop[\s\S]*Read-only/);
      await expect.poll(() => page.locator('.watch-body .desktop-toolbar').innerText()).toContain('Connected');
      await expect.poll(() => page.locator('.watch-body canvas').count()).toBeGreaterThan(0);
      await page.waitForTimeout(500); // let the first frame paint for the screenshot
      await page.screenshot({ path: join(shots, 'live-watch-desktop-dark.png') });
      owner.close();
    } finally {
      await vnc.stop();
    }
  }, 60_000);

  it('shows no Live entry to a non-admin, and /live says it is for admins', async () => {
    const alice = await pageAs('alice');
    await alice.goto(`${home}/live`);
    await expect.poll(() => alice.locator('.page-slot .empty').innerText()).toContain('Admins only');
    expect(await alice.getByRole('link', { name: 'Hosts' }).isVisible()).toBe(true);
    expect(await alice.getByRole('link', { name: 'Live' }).isVisible()).toBe(false);
    expect((await tg.as('alice').request('GET', '/api/sessions/live')).status).toBe(403);
    await alice.screenshot({ path: join(shots, 'live-not-admin.png') });
  }, 60_000);
});
