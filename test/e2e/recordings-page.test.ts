// The Recordings pages in Chromium against a real gateway (its CSP, login and page) with /api/recordings answered from fixture files.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from '../lab/availability.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { fakeRecordingsApi, type FakeRecordingsApi } from '../support/fake-recordings-api.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
const reason = chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');

/** The colour at (x, y) of the recorded screen, from the default layer's canvas (native resolution). */
async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.recording-screen canvas');
      return canvas ? [...canvas.getContext('2d')!.getImageData(px!, py!, 1, 1).data].slice(0, 3) : [];
    },
    [x, y],
  );
}

/** What asciinema-player shows, as text (its terminal is DOM text, not a canvas). */
async function terminalText(page: Page): Promise<string> {
  const term = page.locator('.terminal-player .ap-term-text');
  return (await term.count()) ? term.innerText() : '';
}

describeLab('recordings pages in Chromium', reason, () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let fake: FakeRecordingsApi;
  const errors: string[] = [];

  async function signedInContext(options: Parameters<Browser['newContext']>[0], empty = false): Promise<{ context: BrowserContext; page: Page; fake: FakeRecordingsApi }> {
    const ctx = await browser.newContext(options);
    const api = await fakeRecordingsApi(ctx, { empty });
    const p = await ctx.newPage();
    p.on('pageerror', (err) => errors.push(err.message));
    p.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    await p.goto(await gw.gateway.newLoginLink());
    await p.getByRole('button', { name: 'Add host' }).waitFor();
    return { context: ctx, page: p, fake: api };
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [gw, browser] = await Promise.all([startTestGateway(), launchChromium()]);
    ({ context, page, fake } = await signedInContext({ viewport: { width: 1280, height: 860 } }));
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('lists recordings newest first from the header link, with badges, and loads the next page', async () => {
    await page.getByRole('link', { name: 'Recordings' }).click();
    await expect.poll(() => page.locator('.recording-row').count()).toBe(50);
    const first = page.locator('.recording-row').first();
    expect(await first.innerText()).toMatch(/lab-ssh[\s\S]*SSH[\s\S]*Alice[\s\S]*laptop[\s\S]*0:06[\s\S]*Interrupted[\s\S]*Input/);
    expect(await page.locator('.recording-row').nth(1).innerText()).toMatch(/lab-desktop[\s\S]*VNC[\s\S]*Bob[\s\S]*0:04[\s\S]*Complete/);
    expect(await page.locator('.recording-row .recording-state', { hasText: 'Live' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'recordings-list-light.png'), fullPage: true });
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => page.locator('.recording-row').count()).toBe(58);
    expect(fake.pages[fake.pages.length - 1]).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Load more' }).isHidden()).toBe(true);
  });

  it('filters by kind, and says so when nothing matches', async () => {
    await page.goto(`${gw.url}/recordings`);
    await page.getByLabel('Kind').selectOption('vnc');
    await expect.poll(() => page.locator('.recording-row').count()).toBe(2);
    expect(page.url()).toContain('protocol=vnc');
    await page.getByLabel('Kind').selectOption('rdp');
    await expect.poll(() => page.locator('.recordings-page .empty').innerText()).toContain('No recordings match these filters');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.locator('.recording-row').count()).toBe(50);
  });

  it('finds text across recordings, marks the match, and opens the terminal player at that moment', async () => {
    await page.goto(`${gw.url}/recordings`);
    await page.getByRole('searchbox', { name: 'Search recordings' }).fill('first-marker');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.recording-hits-head h2').innerText()).toBe('2 matches for “first-marker”');
    expect(await page.locator('.recording-hit mark').first().innerText()).toBe('first-marker');
    await page.screenshot({ path: join(shots, 'recordings-search-light.png'), fullPage: true });
    await page.locator('.recording-hit', { hasText: 'at 0:01' }).last().click();
    await expect.poll(() => page.url()).toMatch(/\/recordings\/play\?id=rec-ssh&t=1\.1$/);
    await expect.poll(() => terminalText(page)).toContain('first-marker');
    expect(await terminalText(page)).not.toContain('second-marker');
  });

  it('plays an SSH recording from ?t= between two commands: the first output is on screen, the second not yet', async () => {
    await page.goto(`${gw.url}/recordings/play?id=rec-ssh&t=2.5`);
    await expect.poll(() => terminalText(page)).toMatch(/echo first-marker\s+first-marker/);
    expect(await terminalText(page)).not.toContain('second-marker');
    const head = await page.locator('.recording-player-page .page-head').innerText();
    expect(head).toMatch(/lab-ssh[\s\S]*SSH[\s\S]*Interrupted[\s\S]*Input recorded[\s\S]*Encrypted[\s\S]*Alice on laptop/);
    expect(await page.locator('.recording-notes').innerText()).toMatch(/Typed input was recorded[\s\S]*stopped early \(the gateway stopped\)[\s\S]*cut short/);
    expect(await page.getByRole('link', { name: 'Download' }).getAttribute('href')).toBe('/api/recordings/rec-ssh/file?download=1');
    await page.screenshot({ path: join(shots, 'recordings-terminal-light.png') });
    // Seek on asciinema-player's own bar, then play to the end: the second command shows up.
    await page.locator('.terminal-player .ap-player').click();
    await expect.poll(() => terminalText(page), { timeout: 15_000 }).toContain('second-marker');
  });

  it('plays a desktop recording from ?t=: blue at 1 s, red at 3 s', async () => {
    await page.goto(`${gw.url}/recordings/play?id=rec-vnc&t=1`);
    await expect.poll(() => pixel(page, 32, 32)).toEqual([0, 0, 255]);
    expect(await page.locator('.player-time').innerText()).toBe('0:01 / 0:04');
    await page.screenshot({ path: join(shots, 'recordings-desktop-light.png') });
    await page.goto(`${gw.url}/recordings/play?id=rec-vnc&t=3`);
    await expect.poll(() => pixel(page, 32, 32)).toEqual([255, 0, 0]);
  });

  it('seeks with the keyboard and the slider, and plays at 8x to the end', async () => {
    await page.goto(`${gw.url}/recordings/play?id=rec-vnc`);
    await expect.poll(() => pixel(page, 32, 32)).toEqual([0, 0, 255]);
    // The arrows move 5 s (clamped to the 4 s recording), Space plays and pauses.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => pixel(page, 32, 32)).toEqual([255, 0, 0]);
    expect(await page.locator('.player-time').innerText()).toBe('0:04 / 0:04');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => pixel(page, 32, 32)).toEqual([0, 0, 255]);
    await page.getByRole('slider', { name: 'Position' }).fill('2500');
    await expect.poll(() => pixel(page, 32, 32)).toEqual([255, 0, 0]);
    await page.getByRole('slider', { name: 'Position' }).fill('0');
    await expect.poll(() => pixel(page, 32, 32)).toEqual([0, 0, 255]);
    await page.locator('.player-speed').selectOption('8');
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Play' }).count()).toBe(1);
    expect(await page.locator('.player-time').innerText()).toBe('0:04 / 0:04');
    // The last frame is drawn by a seek that may still be finishing when the button turns back.
    await expect.poll(() => pixel(page, 32, 32)).toEqual([255, 0, 0]);
  });

  it('says in words when a recording cannot be read or does not exist', async () => {
    await page.goto(`${gw.url}/recordings/play?id=rec-broken`);
    await expect.poll(() => page.locator('.recording-error').innerText()).toMatch(/Could not play this recording[\s\S]*not a Guacamole instruction stream/);
    await page.screenshot({ path: join(shots, 'recordings-error-light.png') });
    await page.goto(`${gw.url}/recordings/play?id=missing`);
    await expect.poll(() => page.locator('.recording-error').innerText()).toContain('no such recording');
  });

  it('deletes a recording after asking (admins)', async () => {
    await page.goto(`${gw.url}/recordings`);
    await page.getByRole('button', { name: /^Delete the recording of lab-desktop/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this recording?' });
    expect(await dialog.innerText()).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Delete recording' }).click();
    await expect.poll(() => fake.deleted).toEqual(['rec-vnc']);
    await expect.poll(() => page.locator('.recording-row', { hasText: 'lab-desktop' }).count()).toBe(0);
  });

  it('fits a phone in dark mode: list, search, both players', async () => {
    const phone = await signedInContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    const p = phone.page;
    await p.goto(`${gw.url}/recordings?q=marker`);
    await expect.poll(() => p.locator('.recording-hit').count()).toBe(4);
    await expect.poll(() => p.locator('.recording-row').count()).toBe(50);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await p.screenshot({ path: join(shots, 'recordings-list-phone-dark.png') });
    await p.locator('.recording-row').first().scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(shots, 'recordings-list-phone-dark-rows.png') });
    await p.goto(`${gw.url}/recordings/play?id=rec-ssh&t=2.5`);
    await expect.poll(() => terminalText(p)).toContain('first-marker');
    await p.screenshot({ path: join(shots, 'recordings-terminal-phone-dark.png') });
    await p.goto(`${gw.url}/recordings/play?id=rec-vnc&t=3`);
    await expect.poll(() => pixel(p, 32, 32)).toEqual([255, 0, 0]);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await p.screenshot({ path: join(shots, 'recordings-desktop-phone-dark.png') });
    await phone.context.close();
  });

  it('shows an empty list in words, in dark mode on a desktop', async () => {
    const dark = await signedInContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' }, true);
    await dark.page.goto(`${gw.url}/recordings`);
    await expect.poll(() => dark.page.locator('.recordings-page .empty').innerText()).toContain('No recordings yet');
    await dark.page.screenshot({ path: join(shots, 'recordings-empty-dark.png') });
    await dark.page.goto(`${gw.url}/recordings/play?id=rec-ssh`);
    await dark.context.close();
  });

  it('raised no script errors (the CSP allows the player’s WebAssembly)', () => {
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    void context;
  });
});
