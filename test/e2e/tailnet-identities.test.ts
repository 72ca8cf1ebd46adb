// Tailnet identities in a real browser: each Chromium context reaches the gateway through a SOCKS proxy from its own node's address.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { waitForScreen } from '../support/screen.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startSocks5Proxy, type Socks5Proxy } from '../support/socks5-proxy.js';
import { addHostAsAdmin, NODES, startTailnetGateway, type NodeName, type TailnetGateway } from '../support/tailnet-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
const MAGIC_DNS = 'porthole.tail1234.ts.net';

const reason = sshdUnavailableReason() ?? chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');

describeLab('tailnet identities in Chromium', reason, () => {
  let sshd: LabSshd;
  let tg: TailnetGateway;
  let browser: Browser;
  let labHost: HostView;
  const proxies: Socks5Proxy[] = [];
  const contexts: BrowserContext[] = [];
  let home: string;

  /** A browser context that is `who` on the tailnet: its proxy dials the gateway from that node's address. */
  async function pageAs(who: NodeName, options: { width?: number; height?: number; dark?: boolean } = {}): Promise<Page> {
    const proxy = await startSocks5Proxy({
      localAddress: NODES[who].addresses[0],
      // Only the gateway's MagicDNS name is reachable, and only on loopback: nothing leaves the machine.
      route: (host, port) => (host === MAGIC_DNS && port === tg.gateway.port ? { host: '127.0.0.1', port } : undefined),
    });
    proxies.push(proxy);
    const context = await browser.newContext({
      proxy: { server: proxy.url },
      viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
      colorScheme: options.dark ? 'dark' : 'light',
    });
    await context.addInitScript(() => localStorage.setItem('porthole.preferences', JSON.stringify({ screenReaderMode: true })));
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [sshd, browser] = await Promise.all([startSshd({ extraConfig: [`ListenAddress ${NODES.pve1.addresses[0]}`] }), launchChromium()]);
    tg = await startTailnetGateway({ config: { tailnetSshPort: sshd.port } });
    labHost = await addHostAsAdmin(tg, { name: 'lab-ssh', address: '127.0.0.1', port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password } });
    await addHostAsAdmin(tg, { name: 'nas-box', address: '127.0.0.1', port: sshd.port, username: sshd.user, auth: { method: 'keyboard-interactive' } });
    home = `http://${MAGIC_DNS}:${tg.gateway.port}`;
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    for (const p of proxies) await p.close();
    await tg?.close();
    await sshd?.stop();
  });

  it('shows Alice who she is and only her hosts and machines, and opens a tailnet machine over SSH', async () => {
    const page = await pageAs('alice');
    await page.goto(`${home}/hosts`);
    await expect.poll(() => page.locator('.who-text').innerText()).toMatch(/Alice Example\s+alice@example\.com · alice-mbp/);
    const cards = page.locator('article.host-card');
    await expect.poll(() => cards.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['lab-ssh', 'pve1']);
    await expect.poll(() => page.locator('article[aria-label="pve1"]').innerText()).toMatch(/pve1\.tail1234\.ts\.net[\s\S]*online[\s\S]*linux[\s\S]*tag:lab/);
    // Not an admin: no Add host, no edit or remove.
    expect(await page.getByRole('button', { name: 'Add host' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit lab-ssh' }).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'tailnet-hosts-alice.png'), fullPage: true });

    await page.getByLabel('User on pve1').fill(sshd.user);
    await page.getByRole('link', { name: 'SSH to pve1' }).click();
    const question = page.getByRole('dialog');
    await expect.poll(() => question.innerText()).toContain(sshd.hostKeyFingerprint);
    await question.getByRole('button', { name: 'Trust and connect' }).click();
    await expect.poll(() => page.getByRole('dialog').innerText()).toMatch(/password/i);
    await page.getByRole('dialog').locator('input[type="password"]').fill(sshd.password);
    await page.getByRole('dialog').getByRole('button', { name: 'Continue' }).click();
    await page.locator('.pane:not([hidden]) .xterm').click();
    await page.keyboard.type(`echo "on-$(echo $SSH_CONNECTION | cut -d" " -f3)-$((6*7))"\n`);
    await waitForScreen(page, /on-127\.0\.0\.7-42/);
    await page.screenshot({ path: join(shots, 'tailnet-terminal-alice.png') });
  });

  it('shows Bob other machines, and refuses him a host he may not open, saying why', async () => {
    const page = await pageAs('bob', { dark: true });
    await page.goto(`${home}/hosts`);
    await expect.poll(() => page.locator('.who-text').innerText()).toMatch(/Bob Builder\s+bob@example\.com · bobs-phone/);
    const cards = page.locator('article.host-card');
    await expect.poll(() => cards.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['jellyfin']);
    await expect.poll(() => page.locator('article[aria-label="jellyfin"]').innerText()).toMatch(/last seen/);
    await page.screenshot({ path: join(shots, 'tailnet-hosts-bob-dark.png'), fullPage: true });

    // A Connect link for a host Bob has no grant for (pasted by Alice, say).
    await page.goto(`${home}/terminal?host=${encodeURIComponent(labHost.id)}`);
    await expect.poll(() => page.locator('#toasts').innerText()).toContain('Could not open a session: Bob Builder may not open lab-ssh over SSH');
    // Back on the hosts page rather than an empty terminal page.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/hosts');
    await page.waitForTimeout(400); // let the toast finish fading in for the screenshot
    await page.screenshot({ path: join(shots, 'tailnet-refused-bob.png') });
    // Nothing was opened for him.
    expect((await tg.as('bob').request<unknown[]>('GET', '/api/sessions')).body).toEqual([]);
  });

  it('tells a person without any grant who they are and what grant to ask for (phone width)', async () => {
    const page = await pageAs('mallory', { width: 390, height: 844 });
    await page.goto(`${home}/`);
    const notice = page.getByRole('region', { name: 'No hosts for you yet' });
    await expect.poll(() => notice.innerText()).toMatch(/signed in as Mallory \(mallory@example\.com\) on mallory\.tail1234\.ts\.net/);
    expect(await notice.innerText()).toContain('example.com/cap/porthole');
    await page.screenshot({ path: join(shots, 'tailnet-no-access-phone.png'), fullPage: true });
  });

  it('shows an admin every machine, the management tools, and who they are on the settings page', async () => {
    const page = await pageAs('admin');
    await page.goto(`${home}/hosts`);
    await expect.poll(() => page.locator('article.host-card').count()).toBe(2 + 1 + Object.keys(NODES).length - 1);
    expect(await page.getByRole('button', { name: 'Add host' }).count()).toBe(1);
    await page.getByLabel('Filter hosts').fill('tag:media');
    await expect.poll(() => page.locator('article.host-card').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['jellyfin']);
    await page.getByLabel('Filter hosts').fill('');
    await page.screenshot({ path: join(shots, 'tailnet-hosts-admin.png'), fullPage: true });
    await page.goto(`${home}/settings`);
    await expect.poll(() => page.getByRole('region', { name: 'You' }).innerText()).toMatch(/Ada Admin[\s\S]*admin@example\.com[\s\S]*admin-desk\.tail1234\.ts\.net \(linux\)[\s\S]*tailscaled[\s\S]*Admin/);
    expect(await page.getByRole('heading', { name: 'API tokens' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'tailnet-settings-admin.png'), fullPage: true });
  });
});
