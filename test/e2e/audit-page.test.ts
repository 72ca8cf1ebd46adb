// The audit log page in Chromium: the admin's nav entry, the events table, filters, "Load more", the export link, empty state; light, dark and phone screenshots.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEventView } from '../../shared/audit-types.js';
import type { AuditActor } from '../../server/audit/audit-log.js';
import { describeLab } from '../lab/availability.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
const reason = chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');
const DAY = 86_400_000;

const alice: AuditActor = { principal: 'login:alice@example.com', name: 'Alice Example', device: 'alice-mbp.tail1234.ts.net', address: '100.64.0.2' };
const bob: AuditActor = { principal: 'login:bob@example.com', name: 'Bob Builder', device: 'bobs-phone.tail1234.ts.net', address: '100.64.0.3' };

describeLab('audit log page in Chromium', reason, () => {
  let gw: TestGateway;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function ownerPage(options: { width?: number; height?: number; dark?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 860 }, colorScheme: options.dark ? 'dark' : 'light' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(await gw.gateway.newLoginLink());
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    return page;
  }
  const rows = (page: Page) => page.locator('.audit-table tbody tr');

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [gw, browser] = await Promise.all([startTestGateway(), launchChromium()]);
    const { audit } = gw.gateway;
    // Old history: 120 terminal sessions three days ago (more than one page), then today's events through the real routes.
    const old = Date.now() - 3 * DAY;
    for (let i = 0; i < 60; i++) {
      const session = { hostId: 'h-nas', hostName: 'nas', protocol: 'ssh', sessionId: `s-${i}` };
      audit.record({ action: 'session.start', actor: bob, at: old + i * 60_000, ...session });
      audit.record({ action: 'session.end', actor: bob, at: old + i * 60_000 + 30_000, ...session, detail: { bytes: 40_000 + i * 1000, durationMs: 30_000, reason: 'the shell exited' } });
    }
    const host = await gw.addHost({ name: 'pve1', address: '127.0.0.1', port: 22, username: 'root', auth: { method: 'password', password: 'page-host-secret' } });
    await gw.api('PATCH', `/api/hosts/${host.id}`, { port: 2222, auth: { method: 'password', password: 'page-host-secret-2' } });
    await gw.api('POST', '/api/shares', { kind: 'host', hostId: host.id, audience: 'anyone', expiresInMinutes: 60, maxUses: 1 });
    await gw.api('POST', '/api/tokens', { name: 'backup script' });
    audit.record({ action: 'session.start', actor: alice, hostId: host.id, hostName: 'pve1', protocol: 'vnc', sessionId: 's-live' });
    audit.record({ action: 'share.refused', actor: { principal: 'guest', name: 'Guest', device: '203.0.113.5 (internet)' }, hostId: host.id, hostName: 'pve1', protocol: 'ssh', detail: { text: 'wrong passcode' } });
    await audit.flush();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await gw?.close();
  });

  it('lists events newest first, pages with Load more, filters, exports what it shows, and says when nothing matches', async () => {
    const page = await ownerPage();
    // The admin's header has the entry; it opens the page.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL(/\/audit$/);
    expect(await page.title()).toBe('Audit log · Porthole');
    await expect.poll(() => rows(page).count()).toBe(100);
    // Newest first: this browser's own login, then the refused guest.
    expect(await rows(page).first().locator('.audit-action').innerText()).toBe('Logged in');
    const refused = rows(page).nth(1);
    expect(await refused.locator('.audit-action').innerText()).toBe('Share link refused');
    expect(await refused.locator('.audit-who').innerText()).toMatch(/Guest\s+203\.0\.113\.5 \(internet\)/);
    expect(await refused.locator('.audit-detail').innerText()).toBe('wrong passcode');
    const changed = page.locator('.audit-table tr[data-action="host.credential_changed"]');
    expect(await changed.locator('.audit-detail').innerText()).toBe('port 22 → 2222, credential · host key forgotten (new address)');
    expect(await page.locator('.audit-table tr[data-action="token.created"] .audit-detail').innerText()).toBe('“backup script”');
    expect(await page.locator('.audit-table tr[data-action="session.start"]').first().innerText()).toMatch(/Alice Example\s+alice-mbp\s+100\.64\.0\.2/);
    await page.screenshot({ path: join(shots, 'audit-light.png'), fullPage: false });

    // 128 events (two logins, 120 old sessions, six of today's): Load more brings the rest, then goes away.
    const more = page.getByRole('button', { name: 'Load more' });
    expect(await more.isVisible()).toBe(true);
    await more.click();
    await expect.poll(() => rows(page).count()).toBe(128);
    await expect.poll(() => more.isVisible()).toBe(false);
    expect(await page.locator('.audit-status').innerText()).toBe('128 events');

    // Kind: share links only; the export link carries the same filter.
    await page.getByLabel('Kind').selectOption('share');
    await expect.poll(() => page.locator('.audit-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['share.refused', 'share.created']);
    expect(page.url()).toMatch(/\/audit\?action=share$/);
    const href = await page.getByRole('link', { name: 'Export JSON lines' }).getAttribute('href');
    expect(href).toBe('/api/audit/export?action=share');
    const exported = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
    }, href!);
    expect(exported.type).toMatch(/^application\/x-ndjson/);
    expect(exported.disposition).toMatch(/attachment; filename="porthole-audit-\d{4}-\d{2}-\d{2}\.jsonl"/);
    expect(exported.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as AuditEventView).action)).toEqual(['share.created', 'share.refused']);

    // Person and dates: Bob's sessions were three days ago, so "from today" leaves nothing of his.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Person').fill('bob');
    await page.getByLabel('Person').press('Enter');
    await expect.poll(() => page.locator('.audit-status').innerText()).toBe('100 events, newest first; older ones below');
    const today = new Date();
    const ymd = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await page.getByLabel('From').fill(ymd);
    await expect.poll(() => page.locator('.audit-empty').innerText()).toContain('No events match these filters');
    expect(await page.locator('.audit-status').innerText()).toBe('');
    expect(page.url()).toContain(`from=${ymd}`);

    // Free text finds the token by its name; the filters survive a reload.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Search').fill('BACKUP');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['token.created']);
    await page.reload();
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await page.getByLabel('Search').inputValue()).toBe('BACKUP');
    // No secret reached the page.
    expect(await page.content()).not.toContain('page-host-secret');
  }, 60_000);

  it('looks right in the dark and on a phone (cards)', async () => {
    const dark = await ownerPage({ dark: true });
    await dark.goto(`${gw.url}/audit`);
    await expect.poll(() => rows(dark).count()).toBe(100);
    await dark.screenshot({ path: join(shots, 'audit-dark.png') });

    const phone = await ownerPage({ width: 390, height: 844 });
    await phone.goto(`${gw.url}/audit`);
    await expect.poll(() => rows(phone).count()).toBe(100);
    // Cards: the table head is gone and nothing scrolls sideways.
    expect(await phone.locator('.audit-table thead').isVisible()).toBe(false);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await phone.locator('.app-main').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await phone.screenshot({ path: join(shots, 'audit-phone.png') });
  }, 60_000);
});
