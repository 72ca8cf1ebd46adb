// Debian's chromium driven by playwright-core: the only browser the tests use (never a downloaded one).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
// Exactly lab.md's flags: --no-sandbox because tests run as root; the rest keep the browser off the network.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Why launchChromium cannot run here, or null. */
export function chromiumUnavailableReason(): string | null {
  return existsSync(CHROMIUM) ? null : `needs the Debian package chromium (no ${CHROMIUM})`;
}

/** Playwright gives each launch a fresh temporary profile, so tests never share cookies or storage. */
export async function launchChromium(options: Omit<LaunchOptions, 'executablePath'> = {}): Promise<Browser> {
  const reason = chromiumUnavailableReason();
  if (reason) throw new Error(reason);
  return chromium.launch({ headless: true, ...options, executablePath: CHROMIUM, args: [...FLAGS, ...(options.args ?? [])] });
}
