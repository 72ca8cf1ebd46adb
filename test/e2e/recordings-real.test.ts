// The recordings pages against the real recordings API: an SSH session (real sshd) found by search and played at that moment, and a VNC session (real Xvnc) played at two moments.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import type { RecordingView } from '../../shared/recording-types.js';
import { parseInstructions } from '../../server/guac/instruction.js';
import { describeLab } from '../lab/availability.js';
import { chromiumUnavailableReason, launchChromium } from '../lab/chromium.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { GuacScreen } from '../share/guac-screen.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const root = join(import.meta.dirname, '..', '..');
const reason = sshdUnavailableReason() ?? xvncUnavailableReason() ?? chromiumUnavailableReason() ?? (existsSync(join(root, 'dist/web/index.html')) ? null : 'the page is not built (npm run build:web)');

/** A point of bare root window in the lab scene, away from its xterm. */
const ROOT_POINT = { x: 20, y: 20 };

/** The recorded screen's colour at (x, y), read from the player's default layer (native resolution). */
async function recordedPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.recording-screen canvas');
      return canvas && canvas.width > px! ? [...canvas.getContext('2d')!.getImageData(px!, py!, 1, 1).data].slice(0, 3) : [];
    },
    [x, y],
  );
}

describeLab('recordings pages against the real recordings API', reason, () => {
  let sshd: LabSshd;
  let vnc: LabVnc;
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    [sshd, vnc, gw, browser] = await Promise.all([startSshd(), startXvnc({ security: 'None' }), startTestGateway(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all([sshd?.stop(), vnc?.stop()]);
  });

  async function signedInPage(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    await page.goto(await gw.gateway.newLoginLink());
    await page.getByRole('button', { name: 'Add host' }).waitFor();
    return page;
  }

  it('plays a recorded VNC session in the browser: the desktop as it was before a change, then after it', async () => {
    const host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'rec-vnc-page', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'none' } })).body;
    const session = (await gw.api<SessionView>('POST', '/api/sessions', { hostId: host.id })).body;
    const owner = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=1024&height=768`, { cookie: gw.cookie, origin: gw.url });
    const screen = new GuacScreen(owner);
    await expect.poll(async () => (await screen.update()).pixel(ROOT_POINT.x, ROOT_POINT.y)).toEqual([...SCENE.root]);
    const [recording] = (await gw.api<RecordingView[]>('GET', `/api/recordings?host=${host.id}`)).body;
    const file = () => fetch(`${gw.url}/api/recordings/${recording!.id}/file`, { headers: { cookie: gw.cookie } }).then((r) => r.text());
    await expect.poll(async () => (await file()).includes('4.sync,')).toBe(true);
    // A clear stretch of the first picture before the change, so a moment inside it is unambiguous.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const changedAt = Date.now();
    execFileSync('/usr/bin/xsetroot', ['-solid', '#cc3333'], { env: { ...process.env, DISPLAY: vnc.display } });
    await expect.poll(async () => (await screen.update()).pixel(ROOT_POINT.x, ROOT_POINT.y)).toEqual([0xcc, 0x33, 0x33]);
    // The recorder keeps its own pace (the disk's): end the session once the whole red screen is in the file.
    await expect
      .poll(async () => {
        const recorded = await new GuacScreen({ instructions: parseInstructions(await file()) } as unknown as GuacTestClient).update();
        return [recorded.pixel(ROOT_POINT.x, ROOT_POINT.y), recorded.pixel(20, 700)];
      })
      .toEqual([[0xcc, 0x33, 0x33], [0xcc, 0x33, 0x33]]);
    expect((await gw.api('DELETE', `/api/sessions/${session.id}`)).status).toBe(204);
    owner.ws.close();
    await expect.poll(async () => (await gw.api<RecordingView>('GET', `/api/recordings/${recording!.id}`)).body.state).toBe('complete');

    // Player time is measured from the recording's first frame.
    const syncs = parseInstructions(await file()).filter((i) => i.opcode === 'sync').map((i) => Number(i.args[0]));
    const before = Math.max(0, (changedAt - syncs[0]!) / 1000 - 0.5);
    const after = (syncs.at(-1)! - syncs[0]!) / 1000;
    const page = await signedInPage();
    await page.goto(`${gw.url}/recordings/play?id=${recording!.id}&t=${before.toFixed(3)}`);
    await expect.poll(() => recordedPixel(page, ROOT_POINT.x, ROOT_POINT.y)).toEqual([...SCENE.root]);
    await page.goto(`${gw.url}/recordings/play?id=${recording!.id}&t=${after.toFixed(3)}`);
    // The player draws the frames up to that moment one after another: the last one's whole red root, once it is there.
    await expect.poll(async () => [await recordedPixel(page, ROOT_POINT.x, ROOT_POINT.y), await recordedPixel(page, 20, 700)]).toEqual([[0xcc, 0x33, 0x33], [0xcc, 0x33, 0x33]]);
    // Every earlier frame still shows where later ones drew nothing: the xterm, drawn only in the first.
    const insideXterm = { x: SCENE.xterm.x + SCENE.xterm.width - 20, y: SCENE.xterm.y + SCENE.xterm.height - 20 };
    expect(await recordedPixel(page, insideXterm.x, insideXterm.y)).toEqual([...SCENE.xtermBackground]);
  });

  it('finds a command in a recorded session and opens the player where the first output is shown and the later one not yet', async () => {
    const host = await gw.addHost({ name: 'rec-page', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password }, recording: { mode: 'on' } });
    const { client, sessionId } = await gw.openTerminal(host.id);
    // The shell's own sleep puts a second between the two lines, so "at the first" cannot also show the second.
    client.type('echo page-$((40+2))-first; sleep 1; echo page-$((40+2))-second\r');
    await client.waitForOutput('page-42-second');
    expect((await gw.api('DELETE', `/api/sessions/${sessionId}`)).status).toBe(204);
    client.close();
    await expect.poll(async () => (await gw.api<RecordingView[]>('GET', `/api/recordings?host=${host.id}`)).body.find((r) => r.sessionId === sessionId)?.state).toBe('complete');

    const page = await signedInPage();
    await page.goto(`${gw.url}/recordings?q=page-42-first`);
    // The typed command reads page-$((40+2))-first, so only the output line matches.
    const hit = page.locator('.recording-hit').filter({ has: page.locator('mark', { hasText: 'page-42-first' }) });
    await expect.poll(() => hit.count()).toBeGreaterThan(0);
    await hit.last().click();
    await expect.poll(() => page.url()).toMatch(/\/recordings\/play\?id=[^&]+&t=[\d.]+$/);
    const term = page.locator('.terminal-player .ap-term-text');
    await expect.poll(async () => ((await term.count()) ? term.innerText() : '')).toMatch(/^page-42-first\s*$/m);
    expect(await term.innerText()).not.toMatch(/^page-42-second\s*$/m);

    // A faster speed starts the player again at the same moment, still paused there...
    await page.getByLabel('Speed').selectOption('4');
    await expect.poll(async () => ((await term.count()) ? term.innerText() : '')).toMatch(/^page-42-first\s*$/m);
    expect(await term.innerText()).not.toMatch(/^page-42-second\s*$/m);
    // ...and plays on from there.
    await page.locator('.terminal-player .ap-playback-button').click();
    await expect.poll(() => term.innerText()).toMatch(/^page-42-second\s*$/m);
    // Playing from the moment keeps what the screen showed before it.
    expect(await term.innerText()).toMatch(/^page-42-first\s*$/m);
    await page.screenshot({ path: 'test-results/screenshots/recording-terminal-player.png', fullPage: true });
  });
});
