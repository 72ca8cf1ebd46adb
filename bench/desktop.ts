// The desktop benchmark (`npm run bench:desktop`): Porthole's desktop page vs noVNC (websockify) against one Xvnc, both in
// Debian's Chromium, the same scripted scene for both; prints a markdown table and writes bench/results/desktop-latest.md.
//
// Setup (root, Debian): missing Debian packages (novnc, websockify, x11-apps for xwud, and the lab's) are installed with apt-get;
// without root it names them and exits 2. server/ + shared/ and the page are built privately into bench/.peers/desktop
// (esbuild per file, vite), so the gateway runs as plain JavaScript like production and nobody's dist/ is touched. One Xvnc
// (1280x800, security None, -AcceptSetDesktopSize=0 so neither viewer resizes it) shows the lab scene (#3366cc root, the lab
// xterm at 100,100) plus an xterm with echo on. Porthole: a gateway child process (plain node from that build: no tsx loader
// thread), its page at /desktop?host=ID (fit to
// window). noVNC: vnc.html from /usr/share/novnc served by websockify on 127.0.0.1 (resize=scale, its default quality).
// Both pages run in one Chromium, one context each, viewport 1280x880, one at a time (never both connected).
//
// What each number is:
// - first frame: a fresh page per load (1 warm-up, then BENCH_DESKTOP_FIRST_FRAMES, peers interleaved); ms from navigation
//   start to the first animation frame whose canvas shows the root colour at (1240,40). Also when the page's scripts ran
//   (DOMContentLoaded), created / opened its WebSocket, and received the data it drew the first frame from.
// - keystroke to pixel: page.keyboard.press of "x" and Backspace in turn into the echoing xterm (pointer moved there by a
//   click: no window manager, focus follows the pointer); from the keydown seen by the page (capture listener) to the first
//   animation frame whose canvas differs in the xterm's rectangle. Frames are checked after their requestAnimationFrame
//   callbacks and layout, before paint (ResizeObserver on a toggled marker), so a client drawing in rAF (guacamole-common-js)
//   and one drawing in tasks (noVNC) are both credited to the frame that shows the pixels. Before each key the rectangle
//   must have stayed still for 150 ms. A 4 ms poll is kept beside it (raw numbers).
// - bytes: payloads of WebSocket messages received by the page (WebSocket wrapped by an init script; text counted as UTF-8),
//   from 0.5 s before the scene to 2 s after it. Neither server negotiates compression (the extensions are logged).
// - the scene (desktop-xvnc.ts): a new 80x20 xterm scrolls BENCH_DESKTOP_LINES lines (10 lines per 50 ms), then xwud shows
//   a 1280x800 photo-like image (netpbm ppmforge) over everything for 2 s, then the root turns #cc6633 for 1 s and back.
// - server CPU: /proc schedstat of the gateway child (all threads: its VNC worker too) or of websockify and the children it
//   forks per connection (plus their reaped children's stat cutime/cstime), per minute of the scene or of a
//   BENCH_DESKTOP_IDLE_S window with the desktop connected and still; also with no session at all (at the end). Xvnc and
//   Chromium (all its processes) likewise, for reference.
// - SSH echo: a Porthole terminal to a lab sshd (`stty raw -echo; exec cat`), keys 2-10 ms apart (bench/measure.ts),
//   first with the Porthole desktop connected and still, then for as long as the scene plays in Porthole's page, then in
//   noVNC's (the same terminal: the machine's load without the gateway carrying the desktop). The gateway's event-loop delay
//   and GC pauses are recorded during each scene.
// Knobs: BENCH_DESKTOP_FIRST_FRAMES (6), BENCH_DESKTOP_ROUNDS (3), BENCH_DESKTOP_KEYS (20 per round), BENCH_DESKTOP_IDLE_S
// (15, after 3 s of settling), BENCH_DESKTOP_LINES (2000), BENCH_DESKTOP_ONLY=first,keys,idle,scene,echo, BENCH_DESKTOP_SHOTS=1 (screenshots of
// each viewer during the photo into bench/.peers/desktop/shots, from an extra unmeasured scene), BENCH_GATEWAY_NODE_ARGS
// (extra node flags for the gateway child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). Everything listens on and
// connects to 127.0.0.1; every loop is bounded and the run gives up after 15 minutes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../test/lab/chromium.js';
import { sshdUnavailableReason, startSshd } from '../test/lab/sshd.js';
import { armChange, awaitChange, counters, installProbe, pagePoint, waitFirstFrame, type Counters } from './desktop-page.js';
import { buildPrivateCopy, DESKTOP_PEERS, ensurePackages, packageVersion, startWebsockify, type Websockify } from './desktop-peers.js';
import { startDesktopGateway, type DesktopGateway } from './desktop-porthole.js';
import { renderDesktopTable, type DesktopSummary, type PeerSummary } from './desktop-report.js';
import { prepareScene, ROOT_PROBE, runScene, startBenchXvnc, type BenchXvnc, type Scene } from './desktop-xvnc.js';
import { echoSeries, enterEchoMode, median, percentile, type EchoSample } from './measure.js';
import { openPortholeTerminal, type LoopStats, type PortholeTerminal } from './porthole-peer.js';
import { childPids, cpuSeconds, onCleanup, runBench, envNumber } from './procs.js';

const FIRST_FRAMES = envNumber('BENCH_DESKTOP_FIRST_FRAMES', 6);
const ROUNDS = envNumber('BENCH_DESKTOP_ROUNDS', 3);
const KEYS = envNumber('BENCH_DESKTOP_KEYS', 20);
const IDLE_SECONDS = envNumber('BENCH_DESKTOP_IDLE_S', 15);
const LINES = envNumber('BENCH_DESKTOP_LINES', 2000);
const ONLY = new Set((process.env.BENCH_DESKTOP_ONLY ?? 'first,keys,idle,scene,echo').split(','));
/** Extra node flags for the gateway child, space-separated (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), as in terminal.ts. */
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** 1: one more scene per peer, unmeasured, with a screenshot while the photo is up (bench/.peers/desktop/shots). */
const SHOTS = process.env.BENCH_DESKTOP_SHOTS === '1';
const SETTLE_MS = 2_000;
const TOTAL_LIMIT_MS = 15 * 60_000;
const VIEWPORT = { width: 1280, height: 880 };
const ROOT_RGB: [number, number, number] = [0x33, 0x66, 0xcc];
const ROOT = join(import.meta.dirname, '..');
const SHOTS_DIR = join(DESKTOP_PEERS, 'shots');

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench:desktop ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const notes: string[] = [];

type PeerName = 'porthole' | 'novnc';

interface Peer {
  name: PeerName;
  label: string;
  url: string;
  selector: string;
  context: BrowserContext;
  /** CPU seconds of the process(es) between browser and VNC server: the gateway, or websockify and its forked children. */
  serverCpu(): number;
  /** Ends what a closed page leaves behind (Porthole keeps a detached session for its grace period). */
  afterClose(): Promise<void>;
  /** The gateway's event loop during this peer's scenes, when the gateway carries the desktop (Porthole). */
  loop?: { start(): Promise<void>; stop(): Promise<LoopStats> };
}

interface Samples {
  firstFrame: number[];
  firstFrameFromSocket: number[];
  /** ms after navigation: DOMContentLoaded, WebSocket created, WebSocket open (first-frame runs). */
  loaded: number[];
  socketCreated: number[];
  socketOpen: number[];
  dataArrived: number[];
  connectBytes: number[];
  keyFrame: number[];
  keyPoll: number[];
  keyMisses: number;
  sceneBytes: number[];
  sceneMessages: number[];
  sceneCpuPerMin: number[];
  xvncCpuPerMin: number[];
  browserCpuPerMin: number[];
  idleCpuPerMin: number[];
  idleBytesPerMin: number[];
  noSessionCpuPerMin: number;
  /** Keystrokes whose change came before the keydown (something else moved in the watched rectangle): not counted. */
  keySpurious: number;
  /** The Porthole gateway's event loop during this peer's scenes (Porthole only) and during the echo test with this peer's scene. */
  sceneLoop: LoopStats[];
  echoLoop: LoopStats | undefined;
  echoBusy: EchoSample[];
}

const emptySamples = (): Samples => ({
  firstFrame: [], firstFrameFromSocket: [], loaded: [], socketCreated: [], socketOpen: [], dataArrived: [], connectBytes: [], keyFrame: [], keyPoll: [], keyMisses: 0, sceneBytes: [], sceneMessages: [],
  sceneCpuPerMin: [], xvncCpuPerMin: [], browserCpuPerMin: [], idleCpuPerMin: [], idleBytesPerMin: [], noSessionCpuPerMin: Number.NaN, keySpurious: 0, sceneLoop: [], echoLoop: undefined, echoBusy: [],
});

async function main(): Promise<number> {
  const packages = ensurePackages(log);
  if (packages.missing.length) {
    process.stderr.write(
      `bench:desktop needs these Debian packages: ${packages.missing.join(' ')}\n` +
        `install them as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.missing.join(' ')}\n`,
    );
    return 2;
  }
  if (packages.installed.length) notes.push(`installed Debian packages for this run: ${packages.installed.join(' ')}`);
  const sshdProblem = sshdUnavailableReason();
  if (sshdProblem) throw new Error(`sshd ${sshdProblem}`);
  notes.push(`load average at start (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);

  const build = await buildPrivateCopy(log);
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'web'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  notes.push(`built from commit ${head || '?'}${dirty ? ` plus ${dirty} uncommitted change(s) in server/, shared/, web/ (the working tree as it was at the start)` : ''}`);
  const vnc = await startBenchXvnc();
  onCleanup(() => vnc.stop());
  const scene = prepareScene(vnc.dir, LINES);
  const gw = await startDesktopGateway(build, GATEWAY_NODE_ARGS);
  if (GATEWAY_NODE_ARGS.length) notes.push(`gateway child ran with extra node flags: ${GATEWAY_NODE_ARGS.join(' ')}`);
  const hostId = await gw.addVncHost(vnc.port);
  const sshd = await startSshd();
  onCleanup(() => sshd.stop());
  const sshHostId = await gw.addKeyHost({ port: sshd.port, user: sshd.user, privateKey: sshd.privateKey });
  const ws = await startWebsockify(vnc.port);
  log(`Xvnc ${vnc.display} on 127.0.0.1:${vnc.port} (pid ${vnc.pid}); gateway pid ${gw.pid} at ${gw.url}; websockify pid ${ws.pid} at ${ws.url}; sshd on :${sshd.port}`);

  const browser = await launchChromium();
  onCleanup(() => browser.close().catch(() => {}));
  if (SHOTS) mkdirSync(SHOTS_DIR, { recursive: true });
  const peers = await makePeers(browser, gw, hostId, ws);
  const samples: Record<PeerName, Samples> = { porthole: emptySamples(), novnc: emptySamples() };
  const browserPid = childPids(process.pid).find((pid) => commOf(pid).startsWith('chromium')) ?? Number.NaN;

  if (ONLY.has('first')) {
    log(`first frame: 1 warm-up + ${FIRST_FRAMES} loads per peer, interleaved`);
    for (let rep = 0; rep <= FIRST_FRAMES; rep++) {
      for (const peer of peers) {
        const page = await open(peer);
        const ff = await waitFirstFrame(page);
        await sleep(1_000); // the rest of the first full screen
        const c = await counters(page);
        if (rep > 0) {
          const s = samples[peer.name];
          s.firstFrame.push(ff.frameAt);
          s.firstFrameFromSocket.push(ff.frameAt - ff.socketAt);
          s.loaded.push(ff.loadedAt);
          s.socketCreated.push(ff.socketAt);
          s.socketOpen.push(ff.socketOpenAt);
          s.dataArrived.push(ff.dataAt);
          s.connectBytes.push(c.rxBytes);
        }
        log(
          `first frame ${peer.label}${rep ? ` #${rep}` : ' (warm-up)'}: ${ff.frameAt.toFixed(0)} ms after navigation ` +
            `(DOMContentLoaded ${ff.loadedAt.toFixed(0)}, WebSocket created ${ff.socketAt.toFixed(0)}, open ${ff.socketOpenAt.toFixed(0)}, its data in ${ff.dataAt.toFixed(0)}); ${c.rxBytes} bytes in the first second`,
        );
        if (rep === 0) notes.push(`${peer.label} tunnel: ${c.sockets.map((x) => `${x.url.replace(/\?.*/, '?...').replace(/[0-9a-f-]{36}/, ':id')} (subprotocol "${x.protocol}", extensions "${x.extensions}")`).join(', ')}`);
        await close(peer, page);
      }
    }
  }

  for (let round = 1; round <= ROUNDS && (ONLY.has('keys') || ONLY.has('idle') || ONLY.has('scene')); round++) {
    for (const peer of peers) {
      const s = samples[peer.name];
      const page = await open(peer);
      await waitFirstFrame(page);
      if (ONLY.has('keys')) await keystrokes(peer, page, vnc, s, round);
      if (ONLY.has('idle')) await idle(peer, page, vnc, browserPid, s, round);
      if (ONLY.has('scene')) await playScene(peer, page, vnc, scene, browserPid, s, round);
      await close(peer, page);
    }
  }

  if (SHOTS) {
    for (const peer of peers) {
      const page = await open(peer);
      await waitFirstFrame(page);
      const shot = screenshotDuringPhoto(peer, page, scene);
      await runScene(vnc.display, scene);
      await shot;
      await close(peer, page);
    }
    log(`screenshots in ${SHOTS_DIR}`);
  }

  let echoIdle: EchoSample[] = [];
  if (ONLY.has('echo')) {
    const terminal = await openPortholeTerminal(gw, sshHostId);
    await enterEchoMode(terminal);
    for (const peer of peers) {
      const page = await open(peer);
      await waitFirstFrame(page);
      await sleep(500);
      if (peer.name === 'porthole') {
        echoIdle = await echoSeries(terminal, 400);
        log(`SSH echo, Porthole desktop still: median ${median(echoIdle.map((x) => x.ms)).toFixed(2)} ms, p99 ${percentile(echoIdle.map((x) => x.ms), 99).toFixed(2)} ms, n=${echoIdle.length}`);
      }
      await gw.loopStart();
      samples[peer.name].echoBusy = await echoDuringScene(terminal, vnc, scene);
      samples[peer.name].echoLoop = await gw.loopStop();
      const xs = samples[peer.name].echoBusy.map((x) => x.ms);
      log(`SSH echo while ${peer.label} plays the scene: median ${median(xs).toFixed(2)} ms, p99 ${percentile(xs, 99).toFixed(2)} ms, max ${percentile(xs, 100).toFixed(2)} ms, n=${xs.length}; gateway ${loopText(samples[peer.name].echoLoop)}`);
      await close(peer, page);
    }
    await terminal.close();
  }

  if (ONLY.has('idle')) {
    // What the servers cost with nobody connected (every session ended, the gateway warm): the floor under the idle numbers.
    const before = peers.map((p) => p.serverCpu());
    const t0 = performance.now();
    await sleep(IDLE_SECONDS * 1000);
    const minutes = (performance.now() - t0) / 60_000;
    peers.forEach((p, i) => (samples[p.name].noSessionCpuPerMin = (p.serverCpu() - before[i]!) / minutes));
    log(`no session: gateway ${samples.porthole.noSessionCpuPerMin.toFixed(3)} CPU s/min, websockify ${samples.novnc.noSessionCpuPerMin.toFixed(3)}`);
  }

  notes.push(`load average at the end (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  await browser.close();
  await ws.stop();
  await gw.stop();

  const summary: DesktopSummary = {
    porthole: summarize(samples.porthole),
    novnc: summarize(samples.novnc),
    echoIdleP99Ms: percentile(echoIdle.map((x) => x.ms), 99),
    echoIdleMedianMs: median(echoIdle.map((x) => x.ms)),
    echoIdleN: echoIdle.length,
  };
  const markdown = report(summary, samples, scene);
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'desktop-latest.md'), markdown + '\n');
  log('wrote bench/results/desktop-latest.md');
  return 0;
}

async function makePeers(browser: Browser, gw: DesktopGateway, hostId: string, ws: Websockify): Promise<Peer[]> {
  const make = async (name: PeerName, label: string, url: string, selector: string, serverCpu: () => number, afterClose: () => Promise<void>, cookie?: { name: string; value: string; url: string }): Promise<Peer> => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    if (cookie) await context.addCookies([cookie]);
    await installProbe(context, { selector, x: ROOT_PROBE.x, y: ROOT_PROBE.y, rgb: ROOT_RGB });
    return { name, label, url, selector, context, serverCpu, afterClose, ...(cookie ? { loop: { start: () => gw.loopStart(), stop: () => gw.loopStop() } } : {}) };
  };
  const [cookieName, ...cookieValue] = gw.cookie.split('=');
  return [
    await make('porthole', 'Porthole', `${gw.url}/desktop?host=${hostId}`, '.desktop-screen canvas', () => cpuSeconds(gw.pid), async () => void (await gw.endDesktopSessions()), {
      name: cookieName!,
      value: cookieValue.join('='),
      url: gw.url,
    }),
    // noVNC's own defaults (Tight, JPEG quality 6, compression 2), scaled to the window like Porthole's "fit".
    await make('novnc', 'noVNC', `${ws.url}/vnc.html?autoconnect=true&host=127.0.0.1&port=${ws.port}&path=websockify&resize=scale&reconnect=false`, '#noVNC_container canvas', () => treeCpu(ws.pid), async () => {}),
  ];
}

async function open(peer: Peer): Promise<Page> {
  const page = await peer.context.newPage();
  page.on('pageerror', (error) => log(`${peer.label} page error: ${error.message}`));
  await page.goto(peer.url);
  return page;
}

async function close(peer: Peer, page: Page): Promise<void> {
  await page.close();
  await peer.afterClose();
  await sleep(300); // the VNC server drops the old client
}

/** Keys typed into the echoing xterm, alternately "x" and Backspace, each timed from keydown to the first changed pixel. */
async function keystrokes(peer: Peer, page: Page, vnc: BenchXvnc, s: Samples, round: number): Promise<void> {
  const e = vnc.echoWindow;
  // No window manager: the keyboard goes to the window under the pointer; the click also focuses the page's screen.
  const at = await pagePoint(page, peer.selector, e.x + e.width / 2, e.y + e.height / 2);
  await page.mouse.click(at.x, at.y);
  await sleep(500);
  const got: number[] = [];
  for (let k = 0; k < KEYS; k++) {
    await armChange(page, e); // waits until the rectangle stayed still for 150 ms
    await sleep(Math.random() * 50); // not in step with the page's frames
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
  if (KEYS % 2 === 1) {
    await page.keyboard.press('Backspace');
    await sleep(200);
  }
  log(`keys ${peer.label} round ${round}: median ${median(got).toFixed(1)} ms, p90 ${percentile(got, 90).toFixed(1)} ms, n=${got.length}, misses so far ${s.keyMisses}, spurious so far ${s.keySpurious}`);
}

interface CpuMark {
  server: number;
  xvnc: number;
  browser: Map<number, number>;
  at: number;
  counters: Counters;
}

async function mark(peer: Peer, page: Page, vnc: BenchXvnc, browserPid: number): Promise<CpuMark> {
  return { server: peer.serverCpu(), xvnc: cpuSeconds(vnc.pid), browser: treeCpuMap(browserPid), at: performance.now(), counters: await counters(page) };
}

function since(a: CpuMark, b: CpuMark) {
  const minutes = (b.at - a.at) / 60_000;
  let browser = 0;
  for (const [pid, cpu] of b.browser) browser += cpu - (a.browser.get(pid) ?? 0);
  return {
    minutes,
    serverPerMin: (b.server - a.server) / minutes,
    xvncPerMin: (b.xvnc - a.xvnc) / minutes,
    browserPerMin: browser / minutes,
    rxBytes: b.counters.rxBytes - a.counters.rxBytes,
    rxMessages: b.counters.rxMessages - a.counters.rxMessages,
  };
}

async function idle(peer: Peer, page: Page, vnc: BenchXvnc, browserPid: number, s: Samples, round: number): Promise<void> {
  await sleep(3_000); // what the connect and the keys left behind (a spare worker starting, a GC) is not idle

  const a = await mark(peer, page, vnc, browserPid);
  await sleep(IDLE_SECONDS * 1000);
  const d = since(a, await mark(peer, page, vnc, browserPid));
  s.idleCpuPerMin.push(d.serverPerMin);
  s.idleBytesPerMin.push(d.rxBytes / d.minutes);
  log(`idle ${peer.label} round ${round}: server ${d.serverPerMin.toFixed(3)} CPU s/min, Xvnc ${d.xvncPerMin.toFixed(3)}, Chromium ${d.browserPerMin.toFixed(3)}; ${(d.rxBytes / d.minutes).toFixed(0)} bytes/min in ${d.rxMessages} messages`);
}

async function playScene(peer: Peer, page: Page, vnc: BenchXvnc, scene: Scene, browserPid: number, s: Samples, round: number): Promise<void> {
  await sleep(500);
  await peer.loop?.start();
  const a = await mark(peer, page, vnc, browserPid);
  const { seconds } = await runScene(vnc.display, scene);
  await sleep(SETTLE_MS);
  const d = since(a, await mark(peer, page, vnc, browserPid));
  const loop = await peer.loop?.stop();
  if (loop) s.sceneLoop.push(loop);
  s.sceneBytes.push(d.rxBytes);
  s.sceneMessages.push(d.rxMessages);
  s.sceneCpuPerMin.push(d.serverPerMin);
  s.xvncCpuPerMin.push(d.xvncPerMin);
  s.browserCpuPerMin.push(d.browserPerMin);
  log(`scene ${peer.label} round ${round}: ${seconds.toFixed(1)} s + ${SETTLE_MS / 1000} s settle; ${(d.rxBytes / 1e6).toFixed(2)} MB in ${d.rxMessages} messages; CPU s/min server ${d.serverPerMin.toFixed(2)}, Xvnc ${d.xvncPerMin.toFixed(2)}, Chromium ${d.browserPerMin.toFixed(2)}${loop ? `; gateway ${loopText(loop)}` : ''}`);
}

/** One look at what the viewer shows while the photo is up (bench/.peers/desktop/shots, for a person to check the scene). */
async function screenshotDuringPhoto(peer: Peer, page: Page, scene: Scene): Promise<void> {
  // The scroll takes LINES/10 * (50 ms + a sleep process); the photo then stays 2 s.
  await sleep((scene.lines / 10) * 55 + 1_200);
  await page.screenshot({ path: join(SHOTS_DIR, `${peer.name}-photo.png`) }).catch(() => {});
}

/** Porthole SSH echo (`cat` in raw mode) measured in blocks for as long as the scene plays. */
async function echoDuringScene(terminal: PortholeTerminal, vnc: BenchXvnc, scene: Scene): Promise<EchoSample[]> {
  let done = false;
  const playing = runScene(vnc.display, scene).finally(() => (done = true));
  await sleep(300);
  const out: EchoSample[] = [];
  const deadline = Date.now() + 60_000;
  while (!done && Date.now() < deadline) out.push(...(await echoSeries(terminal, 50, 5_000)));
  await playing;
  await sleep(SETTLE_MS);
  return out;
}

function loopText(l: LoopStats | undefined): string {
  return l ? `event-loop delay p99 ${l.loopDelayP99Ms.toFixed(1)} ms, max ${l.loopDelayMaxMs.toFixed(1)} ms; GC ${l.gcCount} pauses, max ${l.gcMaxMs.toFixed(1)} ms` : 'n/a';
}

function summarize(s: Samples): PeerSummary {
  const echo = s.echoBusy.map((x) => x.ms);
  return {
    firstFrameMs: median(s.firstFrame),
    firstFrameFromSocketMs: median(s.firstFrameFromSocket),
    loadedMs: median(s.loaded),
    socketCreatedMs: median(s.socketCreated),
    socketOpenMs: median(s.socketOpen),
    dataMs: median(s.dataArrived),
    keyMedianMs: median(s.keyFrame),
    keyP90Ms: percentile(s.keyFrame, 90),
    keyMisses: s.keyMisses,
    keys: s.keyFrame.length,
    sceneBytes: median(s.sceneBytes),
    sceneMessages: median(s.sceneMessages),
    sceneCpuPerMin: median(s.sceneCpuPerMin),
    idleCpuPerMin: median(s.idleCpuPerMin),
    idleBytesPerMin: median(s.idleBytesPerMin),
    noSessionCpuPerMin: s.noSessionCpuPerMin,
    xvncCpuPerMin: median(s.xvncCpuPerMin),
    browserCpuPerMin: median(s.browserCpuPerMin),
    connectBytes: median(s.connectBytes),
    echoBusyP99Ms: percentile(echo, 99),
    echoBusyMedianMs: median(echo),
    echoBusyN: echo.length,
  };
}

function detailLines(samples: Record<PeerName, Samples>): string[] {
  const list = (xs: number[], digits = 0) => xs.map((x) => x.toFixed(digits)).join(', ');
  const lines: string[] = [];
  for (const [name, s] of Object.entries(samples)) {
    const echo = s.echoBusy.map((x) => x.ms);
    if (s.sceneLoop.length) lines.push(`- Porthole gateway during the ${name} scenes: ${s.sceneLoop.map(loopText).join('; ')}`);
    if (s.echoLoop) lines.push(`- Porthole gateway during the echo test with the ${name} scene: ${loopText(s.echoLoop)}`);
    lines.push(
      `- ${name}: first frame ms ${list(s.firstFrame)} (from WebSocket ${list(s.firstFrameFromSocket)}); ` +
        `keys n=${s.keyFrame.length}, misses ${s.keyMisses}, spurious ${s.keySpurious}, min ${percentile(s.keyFrame, 0).toFixed(1)}, median ${median(s.keyFrame).toFixed(1)}, p90 ${percentile(s.keyFrame, 90).toFixed(1)}, max ${percentile(s.keyFrame, 100).toFixed(1)} ms ` +
        `(by the 4 ms poll: median ${median(s.keyPoll).toFixed(1)}, p90 ${percentile(s.keyPoll, 90).toFixed(1)} ms); ` +
        `scene MB ${list(s.sceneBytes.map((b) => b / 1e6), 2)}; scene server CPU s/min ${list(s.sceneCpuPerMin, 2)}; idle server CPU s/min ${list(s.idleCpuPerMin, 3)}; ` +
        `SSH echo during its scene n=${echo.length}, median ${median(echo).toFixed(2)}, p90 ${percentile(echo, 90).toFixed(2)}, p99 ${percentile(echo, 99).toFixed(2)}, max ${percentile(echo, 100).toFixed(2)} ms`,
    );
  }
  return lines;
}

function report(summary: DesktopSummary, samples: Record<PeerName, Samples>, scene: Scene): string {
  const version = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').find((l) => l && !l.includes('unexpected operator')) ?? '?';
  };
  return [
    '# Desktop (VNC) benchmark (latest run)',
    '',
    `${new Date().toISOString()}; ${cpus().length} x ${cpus()[0]?.model ?? '?'}; Node ${process.version}; ${version('/usr/bin/chromium', ['--version'])}; ` +
      `TigerVNC Xvnc ${packageVersion('tigervnc-standalone-server')} (1280x800, depth 24, security None); noVNC ${packageVersion('novnc')} via websockify ${packageVersion('websockify')}; ` +
      `guacamole-common-js in the page; first frame x ${FIRST_FRAMES} per peer; ${ROUNDS} rounds of ${KEYS} keys, ${IDLE_SECONDS} s idle and one scene (${scene.lines} lines scrolled, then a full-screen photo and two root colour changes) per peer; ` +
      'everything on 127.0.0.1. Noisy shared 2-core machine: medians and ratios only. How each number is measured: the header of bench/desktop.ts and docs/benchmarks.md ("Desktop (VNC)").',
    '',
    renderDesktopTable(summary),
    '',
    'Raw numbers:',
    '',
    ...detailLines(samples),
    '',
    ...(notes.length ? ['Notes:', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

// Process-tree CPU: websockify forks a child per connection (and per HTTP request), Chromium runs a process per page.
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function descendants(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i]!));
  return all;
}

/** CPU seconds per live process of the tree (schedstat, ns), plus key -1: what its members' reaped children used (stat cutime + cstime). */
function treeCpuMap(pid: number): Map<number, number> {
  const map = new Map<number, number>();
  if (!Number.isFinite(pid)) return map;
  let reaped = 0;
  for (const p of descendants(pid)) {
    const cpu = cpuSeconds(p);
    if (Number.isFinite(cpu)) map.set(p, cpu);
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      reaped += (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS; // cutime, cstime (fields 16 and 17 of stat)
    } catch {
      // gone meanwhile
    }
  }
  map.set(-1, reaped);
  return map;
}

function treeCpu(pid: number): number {
  let sum = 0;
  for (const cpu of treeCpuMap(pid).values()) sum += cpu;
  return sum;
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

runBench(main, { limitMs: TOTAL_LIMIT_MS, log });
