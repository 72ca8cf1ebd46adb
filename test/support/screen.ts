// Reads a terminal tab's text in Chromium through xterm.js's screen-reader tree (Settings > Terminal), as a person would see it.
import type { Page } from 'playwright-core';

export async function screenText(page: Page): Promise<string> {
  return page.locator('.pane:not([hidden]) .xterm-accessibility-tree').innerText();
}

/** Waits until the visible terminal shows `pattern`; fails with what it does show. */
export async function waitForScreen(page: Page, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    text = await screenText(page).catch(() => '');
    const m = pattern.exec(text);
    if (m) return m;
    await page.waitForTimeout(100);
  }
  throw new Error(`screen never showed ${pattern}; it shows:\n${text.slice(-1500)}`);
}
