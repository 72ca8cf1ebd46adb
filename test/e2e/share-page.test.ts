// Share links in a real browser, owner and guest side by side: share a live terminal read-only, watch it as a guest, revoke it; then a desktop.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { screenText } from '../support/screen.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
const built = existsSync(join(root, 'dist/web/index.html')) && existsSync(join(root, 'dist/web/share/index.html'));
const reason = sshdUnavailableReason() ?? chromiumUnavailableReason() ?? (built ? null : 'the pages are not built (npm run build:web)');
// Short, because the owner types it key by key; the shell's working directory is /tmp.
const markerName = `pse2e-${Date.now().toString(36)}`;
const marker = `/tmp/${markerName}`;

/** Both contexts read terminals through xterm.js's screen-reader tree (Settings > Terminal), as a person would. */
async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await context.addInitScript(() => localStorage.setItem('porthole.preferences', JSON.stringify({ screenReaderMode: true })));
  return context;
}

async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.pane:not([hidden]) .xterm').click();
  await page.keyboard.type(text);
}

/** Share this session (the button on the terminal tab bar or the desktop toolbar): view only, 1 hour; returns the URL shown once. */
async function createViewLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share this session' }).click();
  const form = page.getByRole('dialog', { name: 'Share this session' });
  await form.getByRole('radio', { name: 'View only' }).check();
  await form.getByRole('radio', { name: '1 hour' }).check();
  await form.getByRole('button', { name: 'Create link' }).click();
  const created = page.getByRole('dialog', { name: 'Share link created' });
  const url = await created.locator('#share-url').innerText();
  expect(url).toMatch(/\/share\/#[A-Za-z0-9_-]{43}$/);
  const qr = created.getByRole('img', { name: 'QR code of the share link' });
  expect(await qr.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
  expect((await qr.locator('path').getAttribute('d'))?.length).toBeGreaterThan(100);
  expect(await created.innerText()).toMatch(/View only[\s\S]*lasts 1 hour/);
  return url;
}

async function closeCreated(page: Page): Promise<void> {
  const created = page.getByRole('dialog', { name: 'Share link created' });
  await created.getByRole('button', { name: 'Done' }).click();
  await created.waitFor({ state: 'detached' });
}

/** The colour at (x, y) of the remote screen, read from the screen layer's canvas (native resolution). */
async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.desktop-screen canvas');
      if (!canvas || canvas.width <= px! || canvas.height <= py!) return [];
      return [...canvas.getContext('2d')!.getImageData(px!, py!, 1, 1).data].slice(0, 3);
    },
    [x, y],
  );
}

describeLab('share links in Chromium: owner and guest', reason, () => {
  let sshd: LabSshd;
  let gw: TestGateway;
  let browser: Browser;
  let owner: BrowserContext;
  let guest: BrowserContext;
  let host: HostView;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [sshd, gw, browser] = await Promise.all([startSshd(), startTestGateway(), launchChromium()]);
    host = await gw.addHost({ name: 'lab', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
    // Two contexts: separate cookies and storage, so the guest is nobody the gateway knows.
    [owner, guest] = await Promise.all([newContext(browser), newContext(browser)]);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await sshd?.stop();
    rmSync(`${marker}-owner`, { force: true });
    rmSync(`${marker}-guest`, { force: true });
  });

  it('a read-only guest watches the live terminal, cannot type into it, and is cut off when the owner revokes the link', async () => {
    // The owner logs in, opens a terminal on the host and types before anyone watches.
    const ownerPage = await owner.newPage();
    await ownerPage.goto(await gw.gateway.newLoginLink());
    await ownerPage.getByRole('link', { name: `Connect to ${host.name}` }).click();
    const question = ownerPage.getByRole('dialog');
    await expect.poll(() => question.innerText()).toContain(sshd.hostKeyFingerprint);
    await question.getByRole('button', { name: 'Trust and connect' }).click();
    await typeInTerminal(ownerPage, 'cd /tmp && echo "before-$((6*7))"\n');
    await expect.poll(() => screenText(ownerPage)).toContain('before-42');

    // Share the session from the tab bar: read-only, one hour; the link is shown once, with a QR code.
    const url = await createViewLink(ownerPage);
    await closeCreated(ownerPage);

    // The guest (not logged in) opens the link: who shared what, read-only, and a countdown.
    const guestPage = await guest.newPage();
    await guestPage.goto(url);
    await expect.poll(() => guestPage.locator('.guest-head-summary').innerText()).toBe('Owner shared a live terminal session on lab (read-only)');
    await expect.poll(() => guestPage.locator('.guest-readonly').isVisible()).toBe(true);
    expect(await guestPage.locator('.guest-readonly').innerText()).toContain('Read-only');
    const timer = guestPage.locator('.guest-head-timer');
    await expect.poll(() => timer.innerText()).toMatch(/ends in (1:00:00|5\d:[0-5]\d)/);
    const first = await timer.innerText();
    // The token left the address bar once read.
    expect(guestPage.url()).not.toContain('#');

    // A late joiner gets the current screen at once, then what the owner types next.
    await expect.poll(() => screenText(guestPage)).toContain('before-42');
    await typeInTerminal(ownerPage, 'echo "after-$((7*8))"\n');
    await expect.poll(() => screenText(guestPage)).toContain('after-56');

    // The guest types: nothing reaches the host. The owner then proves the shell read everything sent before.
    await typeInTerminal(guestPage, `touch ${markerName}-guest\n`);
    // The keys did go to the guest's terminal (its keyboard input), which sent none of them.
    expect(await guestPage.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea'))).toBe(true);
    await typeInTerminal(ownerPage, `touch ${markerName}-owner; ls ${markerName}-*; echo "checked-$((2+3))"\n`);
    await expect.poll(() => screenText(ownerPage)).toContain('checked-5');
    await expect.poll(() => screenText(guestPage)).toContain('checked-5');
    expect(existsSync(`${marker}-owner`)).toBe(true);
    expect(existsSync(`${marker}-guest`)).toBe(false);
    expect(await screenText(ownerPage)).not.toContain(`${markerName}-guest`);
    await expect.poll(() => timer.innerText()).not.toBe(first); // by now it has counted down
    await guestPage.screenshot({ path: join(shots, 'share-e2e-guest.png') });

    // The owner sees "1 watching", and the guest's name in its popover.
    const chip = ownerPage.locator('.workspace .viewers-chip');
    await expect.poll(() => chip.isVisible()).toBe(true);
    await expect.poll(() => chip.innerText()).toBe('1 watching');
    await chip.click();
    const viewers = ownerPage.getByRole('dialog', { name: 'Viewers of this session' });
    await expect.poll(() => viewers.innerText()).toMatch(/Guest[\s\S]*watching · joined/);
    await expect.poll(() => viewers.getByRole('button', { name: 'Remove Guest' }).isVisible()).toBe(true);
    await ownerPage.screenshot({ path: join(shots, 'share-e2e-owner.png') });
    await ownerPage.keyboard.press('Escape');

    // The owner revokes the link on the Sharing page (another tab: the terminal stays open) and confirms.
    const sharesPage = await owner.newPage();
    await sharesPage.goto(`${gw.url}/shares`);
    const card = sharesPage.getByRole('article', { name: 'Live terminal session on lab' });
    await expect.poll(() => card.innerText()).toMatch(/Active[\s\S]*View only[\s\S]*Connected now \(1\)[\s\S]*Guest/);
    // Shown once means once: the list never shows the token again.
    expect(await sharesPage.content()).not.toContain(url.slice(url.indexOf('#') + 1));
    await card.getByRole('button', { name: 'Revoke the link to lab' }).click();
    const confirm = sharesPage.getByRole('dialog', { name: 'Revoke this link?' });
    await expect.poll(() => confirm.innerText()).toContain('cut off at once');
    await confirm.getByRole('button', { name: 'Revoke link' }).click();
    await expect.poll(() => card.innerText()).toMatch(/Revoked/);
    expect(await card.getByRole('button', { name: 'Revoke the link to lab' }).count()).toBe(0);

    // The guest page ends with a card that says why; the header no longer claims a live session.
    const ended = guestPage.locator('.guest-card');
    await expect.poll(() => ended.innerText()).toContain('This link was revoked');
    expect(await ended.innerText()).toContain('Owner shared a live terminal session on lab (read-only)');
    expect(await guestPage.locator('.guest-readonly').isVisible()).toBe(false);
    expect(await guestPage.locator('.xterm').count()).toBe(0);

    // The owner's terminal goes on, and nobody is watching any more.
    await expect.poll(() => chip.isVisible()).toBe(false);
    await typeInTerminal(ownerPage, 'echo "still-here-$((3+4))"\n');
    await expect.poll(() => screenText(ownerPage)).toContain('still-here-7');
    await Promise.all([guestPage.close(), sharesPage.close(), ownerPage.close()]);
  }, 120_000);

  describeLab('a shared desktop', xvncUnavailableReason(), () => {
    it('a guest watches a shared desktop and sees the remote screen', async () => {
      let vnc: LabVnc | undefined;
      try {
        vnc = await startXvnc({ security: 'VncAuth' });
        const created = await gw.api<HostView>('POST', '/api/hosts', { name: 'lab-desktop', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'password', password: vnc.password } });
        expect(created.status).toBe(201);
        const ownerPage = await owner.newPage();
        await ownerPage.goto(`${gw.url}/desktop?host=${created.body.id}`);
        await expect.poll(() => ownerPage.locator('.desktop-status').innerText(), { timeout: 15_000 }).toBe('Connected');
        await expect.poll(() => pixel(ownerPage, 20, 20)).toEqual([...SCENE.root]);

        // Shared from the desktop toolbar, view only.
        const url = await createViewLink(ownerPage);
        await closeCreated(ownerPage);

        const guestPage = await guest.newPage();
        await guestPage.goto(url);
        await expect.poll(() => guestPage.locator('.guest-head-summary').innerText()).toBe('Owner shared a live desktop session on lab-desktop (read-only)');
        await expect.poll(() => guestPage.locator('.desktop-status').innerText(), { timeout: 15_000 }).toBe('Connected');
        // The known scene at known points: the root window's colour, and inside the xterm.
        await expect.poll(() => pixel(guestPage, 20, 20)).toEqual([...SCENE.root]);
        const inside = { x: SCENE.xterm.x + SCENE.xterm.width - 30, y: SCENE.xterm.y + SCENE.xterm.height - 20 };
        await expect.poll(() => pixel(guestPage, inside.x, inside.y)).toEqual([...SCENE.xtermBackground]);
        await expect.poll(() => guestPage.locator('.guest-readonly').isVisible()).toBe(true);
        await expect.poll(() => ownerPage.locator('.desktop-page .viewers-chip').innerText()).toBe('1 watching');
        await guestPage.screenshot({ path: join(shots, 'share-e2e-guest-desktop.png') });
        await Promise.all([guestPage.close(), ownerPage.close()]);
      } finally {
        await vnc?.stop();
      }
    }, 90_000);
  });
});
