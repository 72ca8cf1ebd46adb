// A VNC desktop in a real browser: real Xvnc with a known scene, pixels on the canvas, typing read back on the host, errors in words.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
const reason = xvncUnavailableReason() ?? chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');

/** The colour at (x, y) of the remote screen, read from the screen layer's canvas (native resolution). */
async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.desktop-screen canvas')!;
      return [...canvas.getContext('2d')!.getImageData(px!, py!, 1, 1).data].slice(0, 3);
    },
    [x, y],
  );
}

/** A measure of what the xterm shows on the page's canvas (its dark pixels): it changes when its text does. */
async function darkPixelsInXterm(page: Page): Promise<number> {
  return page.evaluate(({ x, y, width, height }) => {
    const data = document.querySelector<HTMLCanvasElement>('.desktop-screen canvas')!.getContext('2d')!.getImageData(x, y, width, height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) dark++;
    return dark;
  }, SCENE.xterm);
}

/** Where remote (x, y) is on the page, whatever the fit-to-window scale. */
async function pagePoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.desktop-screen canvas')!;
      const box = canvas.getBoundingClientRect();
      return { x: box.left + (px! * box.width) / canvas.width, y: box.top + (py! * box.height) / canvas.height };
    },
    [x, y],
  );
}

describeLab('desktop page in Chromium against Xvnc', reason, () => {
  let vnc: LabVnc;
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let host: HostView;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [vnc, gw, browser] = await Promise.all([startXvnc({ security: 'VncAuth' }), startTestGateway(), launchChromium()]);
    const created = await gw.api<HostView>('POST', '/api/hosts', { name: 'lab-desktop', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'password', password: vnc.password } });
    expect(created.status).toBe(201);
    host = created.body;
    const context = await browser.newContext({ viewport: { width: 1200, height: 820 } });
    page = await context.newPage();
    await page.goto(await gw.gateway.newLoginLink());
    await page.getByRole('button', { name: 'Add host' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await vnc?.stop();
  });

  it('opens the desktop from its card and shows the known scene at known points', async () => {
    await page.getByRole('link', { name: 'Open the desktop of lab-desktop' }).click();
    await expect.poll(() => page.locator('.desktop-status').innerText(), { timeout: 15_000 }).toBe('Connected');
    await expect.poll(() => pixel(page, 20, 20), { timeout: 10_000 }).toEqual([...SCENE.root]);
    const inside = { x: SCENE.xterm.x + SCENE.xterm.width - 30, y: SCENE.xterm.y + SCENE.xterm.height - 20 };
    await expect.poll(() => pixel(page, inside.x, inside.y)).toEqual([...SCENE.xtermBackground]);
    // Xvnc follows the client's size: the desktop starts at the window's size, not the 640x480 floor.
    const width = await page.evaluate(() => document.querySelector<HTMLCanvasElement>('.desktop-screen canvas')!.width);
    expect(width).toBeGreaterThan(1000);
    await page.screenshot({ path: join(shots, 'desktop-vnc.png') });
  });

  it('types into the remote xterm: the keys arrive on the host', async () => {
    const typedBefore = await darkPixelsInXterm(page);
    const target = await pagePoint(page, SCENE.xterm.x + 60, SCENE.xterm.y + 60);
    // No window manager: X gives the keyboard to the window under the pointer.
    await page.mouse.click(target.x, target.y);
    await page.keyboard.type('hello-desktop 42');
    await page.keyboard.press('Enter');
    await expect.poll(() => vnc.readTyped(), { timeout: 10_000 }).toContain('hello-desktop 42');
    // The echo redrew only the xterm's lines: the rest of the screen is still there (images drawn with the
    // canvas "copy" operation used to blank everything around them).
    await expect.poll(() => darkPixelsInXterm(page)).not.toBe(typedBefore);
    expect(await pixel(page, 20, 20)).toEqual([...SCENE.root]);
    expect(await pixel(page, 1000, 700)).toEqual([...SCENE.root]);
  });

  it('says in words when the VNC password is wrong', async () => {
    const wrong = await gw.api<HostView>('POST', '/api/hosts', { name: 'wrong-password', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'password', password: 'not-it' } });
    await page.goto(`/desktop?host=${wrong.body.id}`.replace(/^/, gw.url));
    await expect.poll(() => page.locator('.desktop-view [role="alert"]').innerText(), { timeout: 15_000 }).toContain('The VNC server refused the password');
    await page.screenshot({ path: join(shots, 'desktop-wrong-password.png') });
  });

  it('fits a phone in dark mode, with the key combinations a phone cannot type in the toolbar', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const small = await phone.newPage();
    await small.goto(await gw.gateway.newLoginLink());
    await small.getByRole('button', { name: 'Add host' }).waitFor();
    await small.goto(`${gw.url}/desktop?host=${host.id}`);
    await expect.poll(() => small.locator('.desktop-status').innerText()).toBe('Connected');
    await small.getByLabel('Send a key combination').click();
    expect(await small.getByRole('menuitem').allInnerTexts()).toEqual(['Ctrl+Alt+Del', 'Ctrl+Alt+Backspace', 'Alt+Tab', 'Alt+F4', 'Ctrl+Esc', 'Super (Windows key)', 'Print Screen']);
    await small.screenshot({ path: join(shots, 'desktop-phone-dark.png') });
    await phone.close();
  });

  it('lists the VNC host with its own kind and no SSH key line', async () => {
    await page.goto(`${gw.url}/hosts`);
    const card = page.locator('article[aria-label="lab-desktop"]');
    await expect.poll(() => card.innerText()).toMatch(/vnc:\/\/127\.0\.0\.1:\d+[\s\S]*VNC[\s\S]*Password[\s\S]*Open desktop/);
    expect(await card.locator('.host-key').count()).toBe(0);
    void host;
  });
});
