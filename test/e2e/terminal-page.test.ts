// The whole product in a real browser: owner link, add a host, terminal, resize, paste, re-attach, host-key refusal.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from '../lab/availability.js';
import { waitForScreen } from '../support/screen.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');

async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.pane:not([hidden]) .xterm').click();
  await page.keyboard.type(text);
}

const reason = sshdUnavailableReason() ?? chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');

describeLab('terminal page in Chromium', reason, () => {
  let sshd: LabSshd;
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [sshd, gw, browser] = await Promise.all([startSshd(), startTestGateway(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    await context.addInitScript(() => {
      localStorage.setItem('porthole.preferences', JSON.stringify({ screenReaderMode: true }));
      // Test instrumentation only: keep the page's sockets reachable so the test can cut one like a network blip.
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      } as typeof WebSocket;
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await sshd?.stop();
  });

  it('logs in with the owner link, adds a host and opens a terminal after trusting its key', async () => {
    await page.goto(await gw.gateway.newLoginLink());
    await page.getByRole('button', { name: 'Add host' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('lab');
    await dialog.getByLabel('Address').fill(sshd.host);
    await dialog.getByLabel('Port').fill(String(sshd.port));
    await dialog.getByLabel('User').fill(sshd.user);
    await dialog.getByRole('radio', { name: 'Password' }).check();
    await dialog.locator('input[name="password"]').fill(sshd.password);
    await page.screenshot({ path: join(shots, 'add-host.png') });
    await dialog.getByRole('button', { name: 'Add host' }).click();
    await page.getByRole('link', { name: 'Connect to lab' }).click();

    const question = page.getByRole('dialog');
    await expect.poll(() => question.innerText()).toContain(sshd.hostKeyFingerprint);
    await page.screenshot({ path: join(shots, 'host-key-question.png') });
    await question.getByRole('button', { name: 'Trust and connect' }).click();

    await typeInTerminal(page, 'echo "hello-$((6*7))"\n');
    await waitForScreen(page, /hello-42/);
    await page.screenshot({ path: join(shots, 'terminal.png') });
  });

  it('follows the window size with stty size', async () => {
    await typeInTerminal(page, 'echo "size-a $(stty size)"\n');
    const [, rows1, cols1] = await waitForScreen(page, /size-a (\d+) (\d+)/);
    const rows = page.locator('.pane:not([hidden]) .xterm-accessibility-tree > div');
    const rowsBefore = await rows.count();
    await page.setViewportSize({ width: 800, height: 560 });
    // Fitting and telling the host happen in one step, so once the terminal has fewer rows the
    // resize is on the socket ahead of anything typed next.
    await expect.poll(() => rows.count()).toBeLessThan(rowsBefore);
    await typeInTerminal(page, 'clear; echo "size-b $(stty size)"\n');
    const [, rows2, cols2] = await waitForScreen(page, /size-b (\d+) (\d+)/);
    expect(Number(cols2)).toBeLessThan(Number(cols1));
    expect(Number(rows2)).toBeLessThan(Number(rows1));
    expect(await rows.count()).toBe(Number(rows2));
  });

  it('pastes UTF-8 (CJK and emoji) into the shell', async () => {
    await page.locator('.pane:not([hidden]) .xterm').click();
    await page.evaluate((text) => {
      const target = document.querySelector('.pane:not([hidden]) .xterm-helper-textarea')!;
      const data = new DataTransfer();
      data.setData('text/plain', text);
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, 'printf "%s|%s\\n" "中文😀" "$(printf 中文😀 | od -An -tx1 | tr -d " \\n")"');
    // The shell has bracketed paste on: a pasted line waits for Enter, as it would for a person.
    await page.keyboard.press('Enter');
    await waitForScreen(page, /中文😀\|e4b8ade69687f09f9880/);
  });

  it('re-attaches to the same shell after the connection drops, and after the tab is reopened', async () => {
    await typeInTerminal(page, 'echo "pid-$$"\n');
    const [, pid] = await waitForScreen(page, /pid-(\d+)/);
    // A blip: the socket dies; the page must reconnect to the same session by itself.
    type Sockets = { __sockets: WebSocket[] };
    const socketsBefore = await page.evaluate(() => (window as unknown as Sockets).__sockets.length);
    await page.evaluate(() => (window as unknown as Sockets).__sockets.at(-1)!.close(3000, 'test: network blip'));
    // Keys typed while no socket is open are not queued, so wait for the page's new socket to open.
    await page.waitForFunction((n) => {
      const sockets = (window as unknown as Sockets).__sockets;
      return sockets.length > n && sockets.at(-1)!.readyState === WebSocket.OPEN;
    }, socketsBefore);
    await typeInTerminal(page, 'echo "again-$$"\n');
    await waitForScreen(page, new RegExp(`again-${pid}`));

    // Closing the browser tab and opening the gateway again finds the running shell with its screen.
    await page.close();
    page = await context.newPage();
    await page.goto(`${gw.url}/terminal`);
    await waitForScreen(page, new RegExp(`again-${pid}`));
    await typeInTerminal(page, 'echo "reopened-$$"\n');
    await waitForScreen(page, new RegExp(`reopened-${pid}`));
  });

  it('refuses a changed host key and names both fingerprints', async () => {
    const oldFingerprint = sshd.hostKeyFingerprint;
    const newFingerprint = await sshd.rotateHostKey();
    await page.goto(`${gw.url}/hosts`);
    await page.getByRole('link', { name: 'Connect to lab' }).click();
    const panel = page.locator('.pane:not([hidden])');
    await expect.poll(() => panel.innerText(), { timeout: 15_000 }).toContain('Host key changed');
    const text = await panel.innerText();
    expect(text).toContain(oldFingerprint);
    expect(text).toContain(newFingerprint);
    await page.screenshot({ path: join(shots, 'host-key-changed.png') });
  });
});
