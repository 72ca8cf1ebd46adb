// The host dialog's recording policy in Chromium: chosen, saved, shown on the card, and read back when editing.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'screenshots');
const reason = chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');

describeLab('recording policy in the host dialog', reason, () => {
  let gw: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    [gw, browser] = await Promise.all([startTestGateway(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('saves Required with typed input, badges the card, and shows both when editing', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(await gw.gateway.newLoginLink());
    await page.getByRole('button', { name: 'Add host' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('vault');
    await dialog.getByLabel('Address').fill('vault.localhost');
    await dialog.getByLabel('User', { exact: true }).fill('ops');
    await dialog.locator('input[name="password"]').fill('pw');
    const mode = dialog.getByLabel('Record sessions');
    expect(await mode.inputValue()).toBe('on');
    await mode.selectOption('off');
    // Nothing recorded, nothing typed to keep.
    expect(await dialog.getByLabel(/Also record what is typed/).isDisabled()).toBe(true);
    await mode.selectOption('required');
    expect(await dialog.innerText()).toContain('The session does not start when the recording cannot be written.');
    await dialog.getByLabel(/Also record what is typed/).check();
    await dialog.locator('fieldset', { hasText: 'Recording' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'host-form-recording.png') });
    await dialog.getByRole('button', { name: 'Add host' }).click();

    const card = page.getByRole('article', { name: 'vault' });
    await expect.poll(() => card.innerText()).toContain('Recording required');
    const stored = (await gw.api<HostView[]>('GET', '/api/hosts')).body.find((h) => h.name === 'vault');
    expect(stored?.recording).toEqual({ mode: 'required', input: true });
    await page.screenshot({ path: join(shots, 'host-card-recording.png') });

    await page.getByRole('button', { name: 'Edit vault' }).click();
    const edit = page.getByRole('dialog');
    expect(await edit.getByLabel('Record sessions').inputValue()).toBe('required');
    expect(await edit.getByLabel(/Also record what is typed/).isChecked()).toBe(true);
    await edit.getByLabel('Record sessions').selectOption('on');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => card.innerText()).toMatch(/Recorded/);
    expect((await gw.api<HostView[]>('GET', '/api/hosts')).body.find((h) => h.name === 'vault')?.recording).toEqual({ mode: 'on', input: true });
    await context.close();
  });
});
