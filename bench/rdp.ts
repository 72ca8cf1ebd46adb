// The RDP benchmark (`npm run bench:rdp`, issue 6): Porthole's desktop page (Chromium) through the gateway and its FreeRDP
// helper vs FreeRDP's own xfreerdp (freerdp2-x11, in an Xvfb of its own), against one xrdp lab session; prints a markdown
// table and writes bench/results/rdp-latest.md (rdp-screen-latest.md with BENCH_RDP_SIZE=screen).
//
// Setup (root, Debian; xrdp, xorgxrdp, freerdp2-x11, freerdp2-dev, xvfb, xterm, x11-utils, chromium, python3): nothing is
// installed; a missing program is named and the run exits 2. server/ + shared/ and the page are built privately into
// bench/.peers/rdp (as bench:desktop does into bench/.peers/desktop) and the helper is compiled from native/rdp-helper into
// bench/.peers/rdp/native exactly as scripts/build-rdp-helper.mjs does (BENCH_RDP_HELPER=path uses a given binary instead),
// so nobody's dist/ is touched. One xrdp lab (test/lab/xrdp.ts, TLS, its Xorg session showing the lab scene: #3366cc root,
// the lab xterm at 100,100) plus an echoing xterm at (440,430) that this benchmark starts in that session (the lab xterm
// has echo off). xrdp gives one session per user and bpp: both clients ask for 32 bpp and the same size, so every
// connection, Porthole's or xfreerdp's, reconnects to that one session; they run strictly one after the other, never both.
// Porthole: a gateway child process (plain node), the RDP host added with security 'tls' (its certificate trusted on
// first use), its page /desktop?host=ID in Debian's Chromium (viewport 1280x880). The session takes the size the page asks
// for on connect (BENCH_RDP_SIZE=page, the default). Today that is always 640x480: DesktopView computes its size in its
// constructor, before its element is in the document (getBoundingClientRect is 0x0, clamped to 640x480), and sends no size
// once connected, so the page scales a 640x480 desktop up to its screen (1280x781 at this viewport). BENCH_RDP_SIZE=screen rewrites the
// desktop WebSocket URL's width/height (an init script; the page is otherwise unchanged) to the screen element's size,
// as a page without that bug would ask; BENCH_RDP_SIZE=WIDTHxHEIGHT to any size. xfreerdp always gets the same size.
// xfreerdp: `xfreerdp /v /u /from-stdin:force /size:<the same> /cert:deny,fingerprint:sha256:<pin> /bpp:32 /sec:tls` with
// the password on stdin, FreeRDP's defaults otherwise, in Xvfb (1920x1200x24, black root) on a free display (-displayfd).
// bench/rdp-xprobe.py (python3 ctypes on libX11 and libXtst: XGetImage, XTest) is the eyes and hands on that Xvfb.
//
// What each number is:
// - first frame: 1 warm-up, then BENCH_RDP_FIRST_FRAMES connections per client, interleaved (Porthole, xfreerdp, ...).
//   Porthole: a fresh page; ms from navigation start to the first animation frame whose canvas shows the root colour at
//   (620,40) (bench/desktop-page.ts's probe); also when the page's scripts ran, created / opened its WebSocket, and got the
//   data it drew the first frame from. xfreerdp: ms from just before its spawn to the first 4 ms poll of the Xvfb root
//   window that shows the root colour at the same desktop point. Both include TLS, the xrdp login (PAM) and the reconnect
//   to the session; Porthole's also includes loading the page.
// - keystroke to pixel: "x" and Backspace in turn into the echoing xterm (the pointer moved there first: no window manager,
//   focus follows the pointer). Porthole: page.keyboard.press; from the keydown seen by the page to the first animation
//   frame whose canvas differs in the xterm's rectangle (and the page's 4 ms poll beside it). xfreerdp: XTest press +
//   release on its Xvfb; from just before the press to the first 4 ms poll (XGetImage of the rectangle) that differs.
//   Before each key the rectangle must have stayed still for 150 ms, then a random 0-50 ms.
// - server CPU per session: /proc schedstat (all threads) of the gateway child plus its porthole-rdp helper process, vs the
//   xfreerdp process (which does the RDP side and the drawing, in one): per minute during the activity (a new 80x20 xterm
//   in the session scrolls BENCH_RDP_LINES lines, 10 lines per 50 ms, then exits; the window runs from 0.5 s before it to
//   2 s after) and per minute of a BENCH_RDP_IDLE_S window with the session connected and nothing moving (after 3 s of
//   settling). Beside it, for reference: the client side (Chromium, all its processes / the Xvfb xfreerdp draws into) and
//   the xrdp side (every xrdp process and the session's Xorg), and the gateway with no session at all (at the end).
// - a connection that shows no first frame within 30 s is counted (with a screenshot in bench/.peers/rdp and a note), not
//   timed, and the run goes on; three in a row at the warm-up end it.
// Knobs: BENCH_RDP_FIRST_FRAMES (6), BENCH_RDP_ROUNDS (3), BENCH_RDP_KEYS (20 per round), BENCH_RDP_IDLE_S (60),
// BENCH_RDP_LINES (2000), BENCH_RDP_SIZE (page | screen | WIDTHxHEIGHT), BENCH_RDP_ONLY=first,keys,idle,activity,
// BENCH_RDP_HELPER, BENCH_GATEWAY_NODE_ARGS. Everything listens on and connects to 127.0.0.1; every loop is bounded and the
// run gives up after 30 minutes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumUnavailableReason, launchChromium } from '../test/lab/chromium.js';
import { SCENE } from '../test/lab/xvnc.js';
import { startXrdp, xrdpUnavailableReason, type LabXrdp } from '../test/lab/xrdp.js';
import { armChange, awaitChange, counters, installProbe, pagePoint, waitFirstFrame, type Counters } from './desktop-page.js';
import { buildPrivateCopy, packageVersion } from './desktop-peers.js';
import { startDesktopGateway, type DesktopGateway } from './desktop-porthole.js';
import type { Rect } from './desktop-xvnc.js';
import { median, percentile } from './measure.js';
import { childPids, commOf, cpuSeconds, descendantPids, onCleanup, runBench, envNumber } from './procs.js';
import { buildHelper, cpuDelta, runActivity, sessionX, startEchoXterm, xrdpSideCpu, type SessionX } from './rdp-lab.js';
import { renderRdpTable, type RdpPeerSummary, type RdpPortholeExtras } from './rdp-report.js';
import { PYTHON, spawnXfreerdp, startXvfb, XFREERDP, xfreerdpWindow, XProbe, XVFB, type Xfreerdp, type Xvfb } from './rdp-xfreerdp.js';

const FIRST_FRAMES = envNumber('BENCH_RDP_FIRST_FRAMES', 6);
const ROUNDS = envNumber('BENCH_RDP_ROUNDS', 3);
const KEYS = envNumber('BENCH_RDP_KEYS', 20);
const IDLE_SECONDS = envNumber('BENCH_RDP_IDLE_S', 60);
const LINES = envNumber('BENCH_RDP_LINES', 2000);
const ONLY = new Set((process.env.BENCH_RDP_ONLY ?? 'first,keys,idle,activity').split(','));
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const NO_SESSION_SECONDS = Math.min(IDLE_SECONDS, 20);
const POLL_MS = 4;
const FIRST_FRAME_TIMEOUT_MS = 30_000;
const SETTLE_MS = 2_000;
const TOTAL_LIMIT_MS = 30 * 60_000;
const VIEWPORT = { width: 1280, height: 880 };
const ROOT_RGB = [...SCENE.root] as [number, number, number];
/** A desktop point that shows the root in the quiet scene, inside even a 640x480 session (right of the lab xterm). */
const ROOT_PROBE = { x: 620, y: 40 } as const;
/** 'page': the size Porthole's page asks for; 'screen': the size of the page's screen element; or WIDTHxHEIGHT. */
const SIZE_MODE = process.env.BENCH_RDP_SIZE ?? 'page';
const XVFB_SIZE = { width: 1920, height: 1200 };
const ROOT = join(import.meta.dirname, '..');
const RDP_PEERS = join(ROOT, 'bench', '.peers', 'rdp');
const SELECTOR = '.desktop-screen canvas';

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench:rdp ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const notes: string[] = [];
/** The gateway's own log: when it created each session and when the helper said READY (epoch ms). */
const gatewayEvents: { event: string; time: number }[] = [];

type PeerName = 'porthole' | 'xfreerdp';

interface Samples {
  firstFrame: number[];
  keyFrame: number[];
  keyPoll: number[];
  keyMisses: number;
  keySpurious: number;
  firstFrameFailures: number;
  activityCpuPerMin: number[];
  idleCpuPerMin: number[];
  activityViewerCpuPerMin: number[];
  idleViewerCpuPerMin: number[];
  activityXrdpCpuPerMin: number[];
  idleXrdpCpuPerMin: number[];
  // Porthole only
  firstFrameFromSocket: number[];
  loaded: number[];
  socketCreated: number[];
  socketOpen: number[];
  dataArrived: number[];
  sessionCreated: number[];
  helperReady: number[];
  activityGatewayCpuPerMin: number[];
  activityHelperCpuPerMin: number[];
  idleGatewayCpuPerMin: number[];
  idleHelperCpuPerMin: number[];
  activityBytes: number[];
  idleBytesPerMin: number[];
}

const emptySamples = (): Samples => ({
  firstFrame: [], keyFrame: [], keyPoll: [], keyMisses: 0, keySpurious: 0, firstFrameFailures: 0, activityCpuPerMin: [], idleCpuPerMin: [], activityViewerCpuPerMin: [],
  idleViewerCpuPerMin: [], activityXrdpCpuPerMin: [], idleXrdpCpuPerMin: [], firstFrameFromSocket: [], loaded: [], socketCreated: [], socketOpen: [],
  dataArrived: [], sessionCreated: [], helperReady: [], activityGatewayCpuPerMin: [], activityHelperCpuPerMin: [], idleGatewayCpuPerMin: [], idleHelperCpuPerMin: [], activityBytes: [], idleBytesPerMin: [],
});

/** CPU seconds at one moment, per live process, of each side of one connected client. */
interface CpuMark {
  at: number;
  /** Porthole: the gateway (key 'gateway') and its helper process(es); xfreerdp: its process. */
  server: Map<number, number>;
  gatewayPid?: number;
  viewer: Map<number, number>;
  xrdp: Map<number, number>;
  counters?: Counters;
}

/** One client connected to the session. */
interface Connected {
  peer: PeerName;
  mark(): Promise<CpuMark>;
  keys(round: number, s: Samples): Promise<void>;
  close(): Promise<void>;
}

interface World {
  lab: LabXrdp;
  gw: DesktopGateway;
  hostId: string;
  context: BrowserContext;
  browserPid: number;
  xvfb: Xvfb;
  probe: XProbe;
  /** The session's size (set by the first Porthole connection) and where xfreerdp's window is on its Xvfb (+0+0). */
  size: { width: number; height: number };
  windowAt: { x: number; y: number };
  /** The echo xterm (desktop coordinates) and the session's X display, once the first connection made the session. */
  echo?: Rect;
  session?: SessionX;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not there yet`);
  return value;
}

function unavailable(): string | null {
  const lab = xrdpUnavailableReason();
  if (lab) return lab;
  for (const [path, pkg] of [[XFREERDP, 'freerdp2-x11'], [XVFB, 'xvfb'], [PYTHON, 'python3'], ['/usr/bin/xwininfo', 'x11-utils'], ['/usr/bin/xterm', 'xterm'], ['/usr/bin/cc', 'gcc']] as const) {
    if (!existsSync(path)) return `needs the Debian package ${pkg} (no ${path})`;
  }
  if (!process.env.BENCH_RDP_HELPER && spawnSync('pkg-config', ['--exists', 'freerdp2', 'freerdp-client2', 'winpr2']).status !== 0) return 'needs the Debian package freerdp2-dev (to compile the helper)';
  return chromiumUnavailableReason();
}

async function main(): Promise<number> {
  const problem = unavailable();
  if (problem) {
    process.stderr.write(`bench:rdp ${problem}; run it as root on Debian with those installed\n`);
    return 2;
  }
  notes.push(`load average at start (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  const build = await buildPrivateCopy(log, RDP_PEERS);
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'web', 'native'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  notes.push(`built from commit ${head || '?'}${dirty ? ` plus ${dirty} uncommitted change(s) in server/, shared/, web/, native/ (the working tree as it was at the start)` : ''}`);
  let helper = process.env.BENCH_RDP_HELPER;
  if (helper) notes.push(`helper: ${helper} (BENCH_RDP_HELPER)`);
  else {
    const built = buildHelper(join(RDP_PEERS, 'native'));
    helper = built.path;
    log(`compiled the helper into ${helper} in ${built.seconds.toFixed(1)} s`);
  }

  const lab = await startXrdp({ security: 'tls' });
  onCleanup(() => lab.stop());
  // Info-level logs: the gateway's session.created and desktop.ready lines time the Porthole path (a few lines per connection).
  const gw = await startDesktopGateway(build, GATEWAY_NODE_ARGS, { PORTHOLE_RDP_HELPER: helper, PORTHOLE_LOG_LEVEL: process.env.PORTHOLE_LOG_LEVEL ?? 'info' });
  createInterface({ input: gw.proc.child.stderr! }).on('line', (line) => {
    if (!line.includes('"session.created"') && !line.includes('"desktop.ready"')) return;
    try {
      const entry = JSON.parse(line) as { event: string; time: number };
      gatewayEvents.push({ event: entry.event, time: entry.time });
    } catch {
      // not a log line
    }
  });
  if (GATEWAY_NODE_ARGS.length) notes.push(`gateway child ran with extra node flags: ${GATEWAY_NODE_ARGS.join(' ')}`);
  const hostId = await gw.addRdpHost({ port: lab.port, user: lab.user, password: lab.password, rdp: { security: 'tls', keyboardLayout: 'en-US' } });
  const xvfb = await startXvfb(XVFB_SIZE.width, XVFB_SIZE.height);
  const probe = new XProbe(xvfb.display);
  log(`xrdp on 127.0.0.1:${lab.port} (TLS); gateway pid ${gw.pid} at ${gw.url}; Xvfb ${xvfb.display} (pid ${xvfb.pid}) for xfreerdp`);

  const browser = await launchChromium();
  onCleanup(() => browser.close().catch(() => {}));
  const context = await makeContext(browser, gw);
  const browserPid = childPids(process.pid).find((pid) => commOf(pid).startsWith('chromium')) ?? Number.NaN;

  // Warm-up: Porthole first, so the session takes the page's size; then the echo xterm; then xfreerdp at the same size.
  const world: World = { lab, gw, hostId, context, browserPid, xvfb, probe, size: { width: 0, height: 0 }, windowAt: { x: 0, y: 0 } };
  const samples: Record<PeerName, Samples> = { porthole: emptySamples(), xfreerdp: emptySamples() };
  const warmUp = async () => {
    for (let i = 1; ; i++) {
      const c = await attempt('porthole', samples.porthole, () => openPorthole(world));
      if (c) return c;
      if (i === 3) throw new Error('three warm-up connections of Porthole showed no first frame');
    }
  };
  let warm = await warmUp();
  const asked = await requestedSize(warm.page);
  const screen = await warm.page.evaluate(() => {
    const r = document.querySelector('.desktop-screen')!.getBoundingClientRect();
    return { width: Math.round(r.width), height: Math.round(r.height) };
  });
  notes.push(`Porthole's page asked for a ${asked.width}x${asked.height} desktop; its screen element is ${screen.width}x${screen.height} (viewport ${VIEWPORT.width}x${VIEWPORT.height})`);
  if (SIZE_MODE !== 'page') {
    const m = /^(\d+)x(\d+)$/.exec(SIZE_MODE);
    if (!m && SIZE_MODE !== 'screen') throw new Error(`BENCH_RDP_SIZE must be page, screen or WIDTHxHEIGHT, not ${SIZE_MODE}`);
    const forced = m ? { width: Number(m[1]), height: Number(m[2]) } : screen;
    await forceRequestedSize(context, forced);
    notes.push(`BENCH_RDP_SIZE=${SIZE_MODE}: the page's desktop WebSocket URL was rewritten to ask for ${forced.width}x${forced.height} (an init script; the page itself unchanged)`);
    await warm.close();
    warm = await warmUp();
  }
  world.size = await requestedSize(warm.page);
  const displays = lab.sessions();
  if (displays.length !== 1) throw new Error(`expected one xrdp session after the first connection, sesman started ${displays.length}`);
  const size = world.size;
  world.session = sessionX(displays[0]!, lab.user);
  world.echo = (await startEchoXterm(world.session)).rect;
  log(`Porthole first frame (warm-up) ${warm.ff.frameAt.toFixed(0)} ms; session ${world.session.display} ${size.width}x${size.height}; echo xterm at ${JSON.stringify(world.echo)}`);
  await warm.close();
  let warmX = await attempt('xfreerdp', samples.xfreerdp, () => openXfreerdp(world));
  warmX ??= await openXfreerdp(world);
  const win = await xfreerdpWindow(xvfb.display);
  if (win.width !== size.width || win.height !== size.height) notes.push(`xfreerdp's window is ${win.width}x${win.height} at +${win.x}+${win.y}, the session ${size.width}x${size.height}`);
  if (win.x !== 0 || win.y !== 0) throw new Error(`xfreerdp's window is at +${win.x}+${win.y}, not +0+0: its first frames would have been watched at the wrong place`);
  log(`xfreerdp first frame (warm-up) ${warmX.firstFrameMs.toFixed(0)} ms; window ${win.width}x${win.height}+${win.x}+${win.y}`);
  await warmX.close();

  if (ONLY.has('first')) {
    log(`first frame: ${FIRST_FRAMES} connections per client, interleaved`);
    for (let rep = 1; rep <= FIRST_FRAMES; rep++) {
      const p = await attempt('porthole', samples.porthole, () => openPorthole(world));
      const s = samples.porthole;
      if (p) {
        s.firstFrame.push(p.ff.frameAt);
        s.firstFrameFromSocket.push(p.ff.frameAt - p.ff.socketAt);
        s.loaded.push(p.ff.loadedAt);
        s.socketCreated.push(p.ff.socketAt);
        s.socketOpen.push(p.ff.socketOpenAt);
        s.dataArrived.push(p.ff.dataAt);
        s.sessionCreated.push(p.gateway.sessionCreatedAt);
        s.helperReady.push(p.gateway.helperReadyAt);
        log(
          `first frame Porthole #${rep}: ${p.ff.frameAt.toFixed(0)} ms after navigation (DOMContentLoaded ${p.ff.loadedAt.toFixed(0)}, session created ${p.gateway.sessionCreatedAt.toFixed(0)}, ` +
            `WebSocket created ${p.ff.socketAt.toFixed(0)}, open ${p.ff.socketOpenAt.toFixed(0)}, helper READY ${p.gateway.helperReadyAt.toFixed(0)}, its data in ${p.ff.dataAt.toFixed(0)})`,
        );
        await p.close();
      }
      const x = await attempt('xfreerdp', samples.xfreerdp, () => openXfreerdp(world));
      if (x) {
        samples.xfreerdp.firstFrame.push(x.firstFrameMs);
        log(`first frame xfreerdp #${rep}: ${x.firstFrameMs.toFixed(0)} ms after spawn`);
        await x.close();
      }
    }
  }

  for (let round = 1; round <= ROUNDS && (ONLY.has('keys') || ONLY.has('idle') || ONLY.has('activity')); round++) {
    for (const peer of ['porthole', 'xfreerdp'] as const) {
      const s = samples[peer];
      const c = await attempt<Connected>(peer, s, () => (peer === 'porthole' ? openPorthole(world) : openXfreerdp(world)));
      if (!c) continue;
      if (ONLY.has('keys')) await c.keys(round, s);
      if (ONLY.has('idle')) await idle(c, s, round);
      if (ONLY.has('activity')) await activity(c, world, s, round);
      await c.close();
    }
  }
  if (lab.sessions().length !== 1) notes.push(`sesman started ${lab.sessions().length} sessions during the run (expected one, reconnected each time): ${lab.sessions().join(' ')}`);
  else notes.push(`every connection (Porthole's and xfreerdp's) reconnected to the one xrdp session on ${lab.sessions()[0]}`);

  let noSessionCpuPerMin = Number.NaN;
  if (ONLY.has('idle')) {
    const before = cpuSeconds(gw.pid);
    const t0 = performance.now();
    await sleep(NO_SESSION_SECONDS * 1000);
    noSessionCpuPerMin = (cpuSeconds(gw.pid) - before) / ((performance.now() - t0) / 60_000);
    log(`no session: gateway ${noSessionCpuPerMin.toFixed(3)} CPU s/min over ${NO_SESSION_SECONDS} s`);
  }

  notes.push(`load average at the end (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  await browser.close();
  await probe.stop();
  await gw.stop();
  await xvfb.stop();

  const markdown = report(samples, noSessionCpuPerMin, world, warmX.args);
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  // The default run is rdp-latest.md; a run at another size keeps its own (rdp-screen-latest.md, rdp-1024x768-latest.md).
  const file = SIZE_MODE === 'page' ? 'rdp-latest.md' : `rdp-${SIZE_MODE.replace(/[^0-9a-z]/gi, '')}-latest.md`;
  writeFileSync(join(ROOT, 'bench', 'results', file), markdown + '\n');
  log(`wrote bench/results/${file}`);
  return 0;
}

/** The width and height the page put into its desktop WebSocket's URL (what it asked the gateway for). */
async function requestedSize(page: Page): Promise<{ width: number; height: number }> {
  const url = (await counters(page)).sockets.find((x) => /\/desktop\?/.test(x.url))?.url ?? '';
  const q = new URL(url).searchParams;
  const size = { width: Number(q.get('width')), height: Number(q.get('height')) };
  if (!(size.width > 0 && size.height > 0)) throw new Error(`no size in the page's desktop WebSocket URL ${url}`);
  return size;
}

/** Runs in the page (an init script after the probe's): asks for `size` instead of what the page computed. */
function sizeInit(size: { width: number; height: number }): void {
  const Inner = window.WebSocket;
  const Sized = function (url: string | URL, protocols?: string | string[]): WebSocket {
    let u = String(url);
    if (/\/desktop\?/.test(u)) u = u.replace(/width=\d+/, `width=${size.width}`).replace(/height=\d+/, `height=${size.height}`);
    return protocols === undefined ? new Inner(u) : new Inner(u, protocols);
  } as unknown as typeof WebSocket;
  Object.defineProperty(Sized, 'prototype', { value: Inner.prototype });
  for (const name of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const) Object.defineProperty(Sized, name, { value: Inner[name] });
  window.WebSocket = Sized;
}

async function forceRequestedSize(context: BrowserContext, size: { width: number; height: number }): Promise<void> {
  await context.addInitScript({ content: `(() => { const __name = (target) => target; (${sizeInit.toString()})(${JSON.stringify(size)}); })();` });
}

async function makeContext(browser: Browser, gw: DesktopGateway): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const [name, ...value] = gw.cookie.split('=');
  await context.addCookies([{ name: name!, value: value.join('='), url: gw.url }]);
  await installProbe(context, { selector: SELECTOR, x: ROOT_PROBE.x, y: ROOT_PROBE.y, rgb: ROOT_RGB });
  return context;
}

/** The gateway child's porthole-rdp helper processes. */
function helperPids(gw: DesktopGateway): number[] {
  return childPids(gw.pid).filter((pid) => commOf(pid) === 'porthole-rdp');
}

async function waitFor(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** CPU seconds per live process of Chromium's tree (schedstat). */
function treeCpu(pid: number): Map<number, number> {
  const map = new Map<number, number>();
  if (!Number.isFinite(pid)) return map;
  for (const p of descendantPids(pid)) {
    const cpu = cpuSeconds(p);
    if (Number.isFinite(cpu)) map.set(p, cpu);
  }
  return map;
}

/** A connection that showed no first frame in time (counted, and the run goes on). */
class NoFirstFrame extends Error {}
let failureShots = 0;

/** `open()`, or undefined (counted in `s`, noted) when it showed no first frame in time. */
async function attempt<T>(peer: PeerName, s: Samples, open: () => Promise<T>): Promise<T | undefined> {
  try {
    return await open();
  } catch (error) {
    if (!(error instanceof NoFirstFrame)) throw error;
    s.firstFrameFailures++;
    notes.push(`no first frame within ${FIRST_FRAME_TIMEOUT_MS / 1000} s (${label(peer)}): ${error.message}`);
    log(`no first frame: ${error.message}`);
    return undefined;
  }
}

async function openPorthole(w: World): Promise<Connected & { page: Page; ff: Awaited<ReturnType<typeof waitFirstFrame>>; gateway: { sessionCreatedAt: number; helperReadyAt: number } }> {
  const page = await w.context.newPage();
  page.on('pageerror', (error) => log(`Porthole page error: ${error.message}`));
  await page.goto(`${w.gw.url}/desktop?host=${w.hostId}`);
  const ff = await waitFirstFrame(page, FIRST_FRAME_TIMEOUT_MS).catch(async (error: Error) => {
    const text = await page.evaluate(() => document.body.innerText).catch(() => '?');
    const canvas = await page.evaluate(([sel, x, y]) => {
      const c = document.querySelector<HTMLCanvasElement>(sel as string);
      if (!c) return 'none';
      const px = Array.from(c.getContext('2d')!.getImageData(x as number, y as number, 1, 1).data.slice(0, 3));
      return `${c.width}x${c.height}, rgb(${px.join(',')}) at the probe point`;
    }, [SELECTOR, ROOT_PROBE.x, ROOT_PROBE.y] as const).catch(() => '?');
    const shot = join(RDP_PEERS, `first-frame-failure-${++failureShots}.png`);
    await page.screenshot({ path: shot }).catch(() => {});
    const tail = w.gw.proc.output().split('\n').filter((l) => l.includes('"desktop.') || l.includes('"session.')).slice(-4).join('\n');
    await page.close();
    await w.gw.endDesktopSessions();
    await waitFor('the helper to exit', () => helperPids(w.gw).length === 0, 10_000);
    await sleep(1_000);
    throw new NoFirstFrame(`Porthole: ${error.message}; the page says ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 200))}; canvas ${canvas}; screenshot ${shot}; xrdp sessions ${w.lab.sessions().join(' ')}; gateway log: ${tail}`);
  });
  // The gateway's side of the path, in ms after navigation: the session created (POST), the helper READY (logged in, the
  // desktop's size known; xrdp then reconnects the X session and sends pixels).
  const origin = await page.evaluate(() => performance.timeOrigin);
  const after = (event: string) => gatewayEvents.find((e) => e.event === event && e.time >= origin - 5)?.time;
  for (let i = 0; i < 20 && after('desktop.ready') === undefined; i++) await sleep(25);
  const gateway = { sessionCreatedAt: (after('session.created') ?? Number.NaN) - origin, helperReadyAt: (after('desktop.ready') ?? Number.NaN) - origin };
  return {
    peer: 'porthole',
    page,
    ff,
    gateway,
    async mark() {
      const server = new Map<number, number>([[w.gw.pid, cpuSeconds(w.gw.pid)]]);
      for (const pid of helperPids(w.gw)) server.set(pid, cpuSeconds(pid));
      return { at: performance.now(), server, gatewayPid: w.gw.pid, viewer: treeCpu(w.browserPid), xrdp: xrdpSideCpu(), counters: await counters(page) };
    },
    async keys(round, s) {
      const e = need(w.echo, 'the echo xterm');
      const at = await pagePoint(page, SELECTOR, e.x + e.width / 2, e.y + e.height / 2);
      await page.mouse.click(at.x, at.y); // the remote pointer over the xterm (focus follows it); the page's screen focused
      await sleep(500);
      const got: number[] = [];
      for (let k = 0; k < KEYS; k++) {
        await armChange(page, e);
        await sleep(Math.random() * 50);
        await page.keyboard.press(k % 2 === 0 ? 'x' : 'Backspace');
        const change = await awaitChange(page, 3_000);
        if (!change || !Number.isFinite(change.keyAt)) s.keyMisses++;
        else if (change.frameAt < change.keyAt || change.pollAt < change.keyAt) s.keySpurious++;
        else {
          s.keyFrame.push(change.frameAt - change.keyAt);
          s.keyPoll.push(change.pollAt - change.keyAt);
          got.push(change.frameAt - change.keyAt);
        }
      }
      if (KEYS % 2 === 1) await page.keyboard.press('Backspace');
      await sleep(200);
      log(`keys Porthole round ${round}: median ${median(got).toFixed(1)} ms, p90 ${percentile(got, 90).toFixed(1)} ms (frame), n=${got.length}, misses so far ${s.keyMisses}, spurious ${s.keySpurious}`);
    },
    async close() {
      await page.close();
      await w.gw.endDesktopSessions();
      await waitFor('the helper to exit', () => helperPids(w.gw).length === 0, 10_000);
      await sleep(1_000); // xrdp ends its per-connection process and marks the session disconnected
    },
  };
}

async function openXfreerdp(w: World): Promise<Connected & { firstFrameMs: number; args: string[] }> {
  const { seen } = await w.probe.watchColour(w.windowAt.x + ROOT_PROBE.x, w.windowAt.y + ROOT_PROBE.y, ROOT_RGB, FIRST_FRAME_TIMEOUT_MS, POLL_MS);
  let xf: Xfreerdp | undefined;
  try {
    xf = spawnXfreerdp(w.xvfb.display, { port: w.lab.port, user: w.lab.user, password: w.lab.password, certificateFingerprint: w.lab.certificateFingerprint, ...w.size });
    const firstFrameMs = (await seen) - xf.spawnedAt;
    const client = xf;
    const args = client.args.map((a) => (a.startsWith('/cert:') ? '/cert:deny,fingerprint:sha256:<pin>' : a));
    return {
      peer: 'xfreerdp',
      firstFrameMs,
      args,
      async mark() {
        return {
          at: performance.now(),
          server: new Map([[client.pid, cpuSeconds(client.pid)]]),
          viewer: new Map([[w.xvfb.pid, cpuSeconds(w.xvfb.pid)]]),
          xrdp: xrdpSideCpu(),
        };
      },
      async keys(round, s) {
        const e = need(w.echo, 'the echo xterm');
        const rect = { x: w.windowAt.x + e.x, y: w.windowAt.y + e.y, width: e.width, height: e.height };
        await w.probe.motion(rect.x + rect.width / 2, rect.y + rect.height / 2);
        await sleep(500);
        const got: number[] = [];
        for (let k = 0; k < KEYS; k++) {
          const r = await w.probe.key(k % 2 === 0 ? 'x' : 'BackSpace', rect, { quietMs: 150, jitterMs: 50, timeoutMs: 3_000, pollMs: POLL_MS });
          if ('ms' in r) got.push(r.ms);
          else {
            s.keyMisses++;
            log(`xfreerdp key: ${r.error}`);
          }
        }
        s.keyFrame.push(...got);
        if (KEYS % 2 === 1) await w.probe.key('BackSpace', rect, { quietMs: 150, jitterMs: 0, timeoutMs: 3_000, pollMs: POLL_MS });
        await sleep(200);
        log(`keys xfreerdp round ${round}: median ${median(got).toFixed(1)} ms, p90 ${percentile(got, 90).toFixed(1)} ms (4 ms poll), n=${got.length}, misses so far ${s.keyMisses}`);
      },
      async close() {
        await client.stop();
        await sleep(1_000);
      },
    };
  } catch (error) {
    const px = await w.probe.pixel(w.windowAt.x + ROOT_PROBE.x, w.windowAt.y + ROOT_PROBE.y).catch(() => undefined);
    const exited = xf?.proc.child.exitCode ?? xf?.proc.child.signalCode ?? null;
    await xf?.stop();
    await sleep(1_000);
    throw new NoFirstFrame(`xfreerdp: ${(error as Error).message}; rgb(${px?.join(',') ?? '?'}) at the probe point; ${exited === null ? 'still running' : `exited ${exited}`}; it said: ${xf?.proc.output().split('\n').filter((l) => !l.includes('com.freerdp.utils')).join(' ').slice(-600) ?? ''}`);
  }
}

function since(a: CpuMark, b: CpuMark) {
  const minutes = (b.at - a.at) / 60_000;
  const gateway = a.gatewayPid !== undefined ? (b.server.get(a.gatewayPid)! - a.server.get(a.gatewayPid)!) / minutes : Number.NaN;
  const server = cpuDelta(a.server, b.server) / minutes;
  return {
    minutes,
    serverPerMin: server,
    gatewayPerMin: gateway,
    helperPerMin: server - gateway,
    viewerPerMin: cpuDelta(a.viewer, b.viewer) / minutes,
    xrdpPerMin: cpuDelta(a.xrdp, b.xrdp) / minutes,
    rxBytes: a.counters && b.counters ? b.counters.rxBytes - a.counters.rxBytes : Number.NaN,
  };
}

const label = (peer: PeerName) => (peer === 'porthole' ? 'Porthole' : 'xfreerdp');

async function idle(c: Connected, s: Samples, round: number): Promise<void> {
  await sleep(3_000); // what the connect and the keys left behind is not idle
  const a = await c.mark();
  await sleep(IDLE_SECONDS * 1000);
  const d = since(a, await c.mark());
  s.idleCpuPerMin.push(d.serverPerMin);
  s.idleViewerCpuPerMin.push(d.viewerPerMin);
  s.idleXrdpCpuPerMin.push(d.xrdpPerMin);
  if (c.peer === 'porthole') {
    s.idleGatewayCpuPerMin.push(d.gatewayPerMin);
    s.idleHelperCpuPerMin.push(d.helperPerMin);
    s.idleBytesPerMin.push(d.rxBytes / d.minutes);
  }
  log(
    `idle ${label(c.peer)} round ${round}: server ${d.serverPerMin.toFixed(3)} CPU s/min` +
      (c.peer === 'porthole' ? ` (gateway ${d.gatewayPerMin.toFixed(3)}, helper ${d.helperPerMin.toFixed(3)}; ${(d.rxBytes / d.minutes).toFixed(0)} bytes/min to the page)` : '') +
      `; ${c.peer === 'porthole' ? 'Chromium' : 'Xvfb'} ${d.viewerPerMin.toFixed(3)}; xrdp + Xorg ${d.xrdpPerMin.toFixed(3)}`,
  );
}

async function activity(c: Connected, w: World, s: Samples, round: number): Promise<void> {
  await sleep(500);
  const a = await c.mark();
  const { seconds } = await runActivity(need(w.session, 'the session'), LINES);
  await sleep(SETTLE_MS);
  const d = since(a, await c.mark());
  s.activityCpuPerMin.push(d.serverPerMin);
  s.activityViewerCpuPerMin.push(d.viewerPerMin);
  s.activityXrdpCpuPerMin.push(d.xrdpPerMin);
  if (c.peer === 'porthole') {
    s.activityGatewayCpuPerMin.push(d.gatewayPerMin);
    s.activityHelperCpuPerMin.push(d.helperPerMin);
    s.activityBytes.push(d.rxBytes);
  }
  log(
    `activity ${label(c.peer)} round ${round}: ${seconds.toFixed(1)} s + ${SETTLE_MS / 1000} s settle; server ${d.serverPerMin.toFixed(2)} CPU s/min` +
      (c.peer === 'porthole' ? ` (gateway ${d.gatewayPerMin.toFixed(2)}, helper ${d.helperPerMin.toFixed(2)}; ${(d.rxBytes / 1e6).toFixed(2)} MB to the page)` : '') +
      `; ${c.peer === 'porthole' ? 'Chromium' : 'Xvfb'} ${d.viewerPerMin.toFixed(2)}; xrdp + Xorg ${d.xrdpPerMin.toFixed(2)}`,
  );
}

function summarize(s: Samples): RdpPeerSummary {
  return {
    firstFrameMs: median(s.firstFrame),
    firstFrameN: s.firstFrame.length,
    firstFrameFailures: s.firstFrameFailures,
    keyMedianMs: median(s.keyFrame),
    keyP90Ms: percentile(s.keyFrame, 90),
    keys: s.keyFrame.length,
    keyMisses: s.keyMisses,
    activityCpuPerMin: median(s.activityCpuPerMin),
    idleCpuPerMin: median(s.idleCpuPerMin),
    activityViewerCpuPerMin: median(s.activityViewerCpuPerMin),
    idleViewerCpuPerMin: median(s.idleViewerCpuPerMin),
    activityXrdpCpuPerMin: median(s.activityXrdpCpuPerMin),
    idleXrdpCpuPerMin: median(s.idleXrdpCpuPerMin),
  };
}

function extras(s: Samples, noSessionCpuPerMin: number): RdpPortholeExtras {
  return {
    firstFrameFromSocketMs: median(s.firstFrameFromSocket),
    loadedMs: median(s.loaded),
    socketCreatedMs: median(s.socketCreated),
    socketOpenMs: median(s.socketOpen),
    dataMs: median(s.dataArrived),
    sessionCreatedMs: median(s.sessionCreated),
    helperReadyMs: median(s.helperReady),
    keyPollMedianMs: median(s.keyPoll),
    keyPollP90Ms: percentile(s.keyPoll, 90),
    activityGatewayCpuPerMin: median(s.activityGatewayCpuPerMin),
    activityHelperCpuPerMin: median(s.activityHelperCpuPerMin),
    idleGatewayCpuPerMin: median(s.idleGatewayCpuPerMin),
    idleHelperCpuPerMin: median(s.idleHelperCpuPerMin),
    activityBytes: median(s.activityBytes),
    idleBytesPerMin: median(s.idleBytesPerMin),
    noSessionCpuPerMin,
  };
}

function report(samples: Record<PeerName, Samples>, noSessionCpuPerMin: number, w: World, xfreerdpArgs: string[]): string {
  const list = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(', ');
  const chromium = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout?.trim() || '?';
  const raw = (Object.entries(samples) as [PeerName, Samples][]).map(
    ([name, s]) =>
      `- ${name}: first frame ms ${list(s.firstFrame)} (connections with none within ${FIRST_FRAME_TIMEOUT_MS / 1000} s, warm-ups included: ${s.firstFrameFailures}); keys n=${s.keyFrame.length}, misses ${s.keyMisses}, spurious ${s.keySpurious}, min ${percentile(s.keyFrame, 0).toFixed(1)}, ` +
      `median ${median(s.keyFrame).toFixed(1)}, p90 ${percentile(s.keyFrame, 90).toFixed(1)}, max ${percentile(s.keyFrame, 100).toFixed(1)} ms` +
      (name === 'porthole' ? ` (by the page's 4 ms poll: median ${median(s.keyPoll).toFixed(1)}, p90 ${percentile(s.keyPoll, 90).toFixed(1)} ms)` : '') +
      `; server CPU s/min activity ${list(s.activityCpuPerMin, 2)}, idle ${list(s.idleCpuPerMin, 3)}` +
      (name === 'porthole' ? `; first frame from WebSocket ms ${list(s.firstFrameFromSocket)}; bytes to the page per idle minute ${list(s.idleBytesPerMin)}` : ''),
  );
  return [
    '# RDP benchmark (latest run)',
    '',
    `${new Date().toISOString()}; ${cpus().length} x ${cpus()[0]?.model ?? '?'}; Node ${process.version}; ${chromium}; xrdp ${packageVersion('xrdp')} + xorgxrdp ${packageVersion('xorgxrdp')} ` +
      `(TLS, one Xorg session ${w.size.width}x${w.size.height}, BENCH_RDP_SIZE=${SIZE_MODE}); FreeRDP ${packageVersion('freerdp2-x11')} (xfreerdp, and the helper's libfreerdp); ` +
      `xfreerdp ${xfreerdpArgs.filter((a) => !a.startsWith('/v:') && !a.startsWith('/u:')).join(' ')} in Xvfb ${packageVersion('xvfb')}; ` +
      `Porthole's desktop page in Chromium (viewport ${VIEWPORT.width}x${VIEWPORT.height}); first frame x ${FIRST_FRAMES} per client; ${ROUNDS} rounds of ${KEYS} keys, ${IDLE_SECONDS} s idle and one activity ` +
      `(${LINES} lines scrolled in an xterm) per client, interleaved; everything on 127.0.0.1. Noisy shared 2-core machine: medians and ratios only. ` +
      'How each number is measured: the header of bench/rdp.ts and docs/benchmarks.md ("Desktop (RDP)").',
    '',
    renderRdpTable(summarize(samples.porthole), summarize(samples.xfreerdp), extras(samples.porthole, noSessionCpuPerMin)),
    '',
    'Raw numbers:',
    '',
    ...raw,
    '',
    ...(notes.length ? ['Notes:', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

runBench(main, { limitMs: TOTAL_LIMIT_MS, log });
