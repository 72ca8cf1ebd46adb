// The recording benchmark (`npm run bench:recording`, issue 7): what session recording costs terminal throughput, and how many bytes a desktop recording takes per minute.
//
// One gateway child (the private plain-node build of the desktop benchmarks, bench/.peers/recording), one lab sshd, one Xvnc.
// Terminal: three hosts on the same sshd, recording off / on (output only, the default) / on with typed input; the bulk measure of
// bench/terminal.ts (bench/measure.ts bulkRun: `head -c N /dev/zero | tr '\0' y`, Enter to marker) through each one's terminal
// WebSocket, plus `ssh -tt` as the outside reference, in rounds (the order rotates every round); medians, ratios, the gateway's
// CPU per 100 MB. Afterwards every recording is fetched over GET /api/recordings/:id/file and its 'y' bytes counted, so the
// benchmark cannot pass by recording nothing; the "off" host must have no recording at all.
// Desktop: Xvnc (bench/desktop-xvnc.ts: 1280x800, the lab scene) reached through a byte-counting TCP relay in this process (RFB
// bytes, the peer reference); two VNC hosts on that relay, recording on / off; a lean Guacamole viewer (recording-desktop.ts)
// echoing every sync. Per run: connect, 3 s settle, the scripted activity (recording-desktop.ts ACTIVITY_SCRIPT) for
// BENCH_DESKTOP_SECONDS, 2 s for the last frames, 3 s settle, then BENCH_RECORDING_IDLE_S with nothing changing. Recording bytes
// come from GET /api/recordings (bytes handed to the file), sampled every 10 s and at the window edges; the same request is made
// in the "off" runs so both cost the gateway alike. Gateway and Xvnc CPU from /proc/PID/stat (the whole process, ended threads too).
// Knobs: BENCH_BULK_MB (50), BENCH_RECORDING_ROUNDS (9), BENCH_DESKTOP_SECONDS (120), BENCH_RECORDING_IDLE_S (60),
// BENCH_RECORDING_DESKTOP_PAIRS (1: one "on" and one "off" run, alternating first), BENCH_RECORDING_ONLY=terminal,desktop,
// BENCH_GATEWAY_NODE_ARGS (extra node flags for the gateway child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
// Everything listens on and connects to 127.0.0.1; every loop is bounded and the run gives up after 15 minutes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import type { RecordingView } from '../shared/recording-types.js';
import { sshdUnavailableReason, startSshd } from '../test/lab/sshd.js';
import { xvncUnavailableReason } from '../test/lab/xvnc.js';
import { buildPrivateCopy, packageVersion } from './desktop-peers.js';
import { startDesktopGateway, type DesktopGateway } from './desktop-porthole.js';
import { HEIGHT, startBenchXvnc, WIDTH, type BenchXvnc } from './desktop-xvnc.js';
import { bulkRun, median, type BulkResult } from './measure.js';
import { openPortholeTerminal, type PortholeTerminal } from './porthole-peer.js';
import { cpuSeconds, onCleanup, runBench, envNumber } from './procs.js';
import { ACTIVITY_TEXT, openGuacViewer, startActivity, startCountingRelay, walkInstructions, type CountingRelay } from './recording-desktop.js';
import { renderDesktopTable, renderTerminalTable, type DesktopRates, type DesktopSummary, type TerminalSummary } from './recording-report.js';
import { openSshTerminal } from './ssh-peer.js';
import { PROMPT, type TerminalPipe } from './tap.js';

const BULK_BYTES = envNumber('BENCH_BULK_MB', 50) * 1e6;
const WARMUP_BYTES = 10e6;
const ROUNDS = envNumber('BENCH_RECORDING_ROUNDS', 9);
const ACTIVITY_S = envNumber('BENCH_DESKTOP_SECONDS', 120);
const IDLE_S = envNumber('BENCH_RECORDING_IDLE_S', 60);
const DESKTOP_PAIRS = envNumber('BENCH_RECORDING_DESKTOP_PAIRS', 1);
const ONLY = new Set((process.env.BENCH_RECORDING_ONLY ?? 'terminal,desktop').split(','));
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const TOTAL_LIMIT_MS = 15 * 60_000;
const SAMPLE_EVERY_MS = 10_000;
const ROOT = join(import.meta.dirname, '..');
const PEERS_DIR = join(ROOT, 'bench', '.peers', 'recording');
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench:recording ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const notes: string[] = [];
const details: string[] = [];

type Policy = { mode: 'off' | 'on'; input: boolean };

async function main(): Promise<number> {
  const sshProblem = ONLY.has('terminal') ? sshdUnavailableReason() : null;
  const vncProblem = ONLY.has('desktop') ? xvncUnavailableReason() : null;
  if (sshProblem || vncProblem) {
    process.stderr.write(`bench:recording cannot run here: ${[sshProblem && `sshd ${sshProblem}`, vncProblem && `Xvnc ${vncProblem}`].filter(Boolean).join('; ')}\n`);
    return 2;
  }
  notes.push(`load average at start (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'server', 'shared'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  notes.push(`gateway built from commit ${head || '?'}${dirty ? ` plus ${dirty} uncommitted change(s) in server/, shared/ (the working tree at the start)` : ''}`);
  if (GATEWAY_NODE_ARGS.length) notes.push(`gateway child ran with extra node flags: ${GATEWAY_NODE_ARGS.join(' ')}`);

  const build = await buildPrivateCopy(log, PEERS_DIR);
  const gw = await startDesktopGateway(build, GATEWAY_NODE_ARGS);
  onCleanup(() => gw.stop());
  log(`gateway pid ${gw.pid} at ${gw.url}`);

  const terminal = ONLY.has('terminal') ? await runTerminal(gw) : undefined;
  const desktop = ONLY.has('desktop') ? await runDesktop(gw) : undefined;
  await gw.stop();
  notes.push(`load average at the end (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);

  const markdown = report(terminal, desktop);
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'recording-latest.md'), markdown + '\n');
  log('wrote bench/results/recording-latest.md');
  return 0;
}

async function addHost(gw: DesktopGateway, body: object): Promise<string> {
  const res = await gw.api('POST', '/api/hosts', body);
  if (res.status !== 201) throw new Error(`add host: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

async function recordingsOf(gw: DesktopGateway, hostId: string): Promise<RecordingView[]> {
  const res = await gw.api('GET', `/api/recordings?host=${hostId}&limit=20`);
  if (res.status !== 200) throw new Error(`list recordings: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RecordingView[];
}

/** Waits until the session's recording is closed and indexed (its session was just ended). */
async function finishedRecording(gw: DesktopGateway, hostId: string, sessionId: string): Promise<RecordingView | undefined> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = (await recordingsOf(gw, hostId)).find((x) => x.sessionId === sessionId);
    if (!r || r.state !== 'recording' || Date.now() > deadline) return r;
    await sleep(200);
  }
}

/** Streams a recording file through `chunk` (never held whole: terminal casts are hundreds of MB). */
async function readRecording(gw: DesktopGateway, id: string, chunk: (bytes: Uint8Array) => void): Promise<number> {
  const res = await fetch(`${gw.url}/api/recordings/${id}/file`, { headers: { cookie: gw.cookie } });
  if (res.status !== 200 || !res.body) throw new Error(`recording file: HTTP ${res.status}`);
  let total = 0;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += part.length;
    chunk(part);
  }
  return total;
}

// ---------------------------------------------------------------- terminal

type TermKey = 'ssh' | 'off' | 'on' | 'input';
const TERM_POLICIES: Record<Exclude<TermKey, 'ssh'>, Policy> = { off: { mode: 'off', input: false }, on: { mode: 'on', input: false }, input: { mode: 'on', input: true } };

interface TermPeer {
  key: TermKey;
  pipe: TerminalPipe;
  hostId?: string;
  cpu: () => number[];
}

async function runTerminal(gw: DesktopGateway): Promise<TerminalSummary> {
  const sshd = await startSshd();
  onCleanup(() => sshd.stop());
  const keyDir = mkdtempSync(join(tmpdir(), 'porthole-bench-key-'));
  onCleanup(async () => rmSync(keyDir, { recursive: true, force: true }));
  const keyFile = join(keyDir, 'id_ed25519');
  writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
  log(`terminal: sshd on 127.0.0.1:${sshd.port}; ${ROUNDS} rounds of ${BULK_BYTES / 1e6} MB per peer (after ${WARMUP_BYTES / 1e6} MB warm-up)`);

  const peers: TermPeer[] = [];
  for (const key of ['off', 'on', 'input'] as const) {
    const hostId = await addHost(gw, {
      name: `bench-rec-${key}`, address: '127.0.0.1', port: sshd.port, username: sshd.user,
      auth: { method: 'key', privateKey: sshd.privateKey }, recording: TERM_POLICIES[key],
    });
    const pipe: PortholeTerminal = await openPortholeTerminal(gw, hostId);
    peers.push({ key, pipe, hostId, cpu: () => [cpuSeconds(gw.pid)] });
  }
  const ssh = openSshTerminal({ port: sshd.port, user: sshd.user, keyFile });
  peers.push({ key: 'ssh', pipe: ssh, cpu: () => [cpuSeconds(ssh.proc.pid)] });
  for (const p of peers) await p.pipe.tap.waitForTail(PROMPT, 20_000);

  log('terminal: warm-up (not counted)');
  for (const p of peers) await bulkRun(p.pipe, WARMUP_BYTES, 1, p.cpu);
  const runs: Record<TermKey, BulkResult[]> = { ssh: [], off: [], on: [], input: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Rotated each round: whatever the previous run left behind (dirty pages, a GC) falls on every peer in turn.
    const order = [...peers.slice(round % peers.length), ...peers.slice(0, round % peers.length)];
    for (const p of order) {
      const r = await bulkRun(p.pipe, BULK_BYTES, 100 + round, p.cpu);
      runs[p.key].push(r);
      log(`terminal round ${round + 1} ${p.key}: ${r.mbPerSecond.toFixed(1)} MB/s, ${r.seconds.toFixed(2)} s, CPU/100MB ${r.cpuPer100MB[0]!.toFixed(2)}`);
    }
  }

  // End the sessions (their recordings close), then check every file holds what was sent.
  const expectedY = WARMUP_BYTES + ROUNDS * BULK_BYTES;
  const outputBytes = new Map(peers.map((p) => [p.key, p.pipe.tap.bytes]));
  await Promise.all(peers.map((p) => p.pipe.close()));
  await sshd.stop();
  const castCheck = { on: 'n/a', input: 'n/a', off: 'n/a' };
  const castPerOutputByte = { on: Number.NaN, input: Number.NaN };
  for (const p of peers) {
    if (p.key === 'ssh') continue;
    const sessionId = (p.pipe as PortholeTerminal).sessionId;
    const all = await recordingsOf(gw, p.hostId!);
    if (p.key === 'off') {
      castCheck.off = all.length === 0 ? 'ok: no recording' : `**${all.length} recording(s) for a host with recording off**`;
      continue;
    }
    const rec = await finishedRecording(gw, p.hostId!, sessionId);
    if (!rec) {
      castCheck[p.key] = '**no recording**';
      continue;
    }
    let y = 0;
    let inputEvents = 0;
    let headText = '';
    const INPUT = Buffer.from(',"i",');
    const bytes = await readRecording(gw, rec.id, (part) => {
      if (headText.length < 4096) headText += Buffer.from(part.subarray(0, 4096)).toString('utf8');
      for (let i = 0; i < part.length; i++) if (part[i] === 0x79) y++;
      const buf = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      for (let at = buf.indexOf(INPUT); at >= 0; at = buf.indexOf(INPUT, at + 1)) inputEvents++;
    });
    let header: { version?: number } = {};
    try {
      header = JSON.parse(headText.slice(0, headText.indexOf('\n'))) as typeof header;
    } catch {
      // reported below
    }
    // What the disk holds per byte of output (sealed files add a 20-byte length and tag per write).
    castPerOutputByte[p.key] = rec.bytes / outputBytes.get(p.key)!;
    // Each run's typed command line (echoed, so in the output too) holds a 'y' or two of its own: a little slack above.
    const problems = [
      header.version !== 2 && 'no asciicast v2 header',
      rec.state !== 'complete' && `state ${rec.state}`,
      !rec.sealed && rec.bytes !== bytes && `listed ${rec.bytes} bytes, served ${bytes}`,
      rec.sealed && (rec.bytes <= bytes || rec.bytes > bytes * 1.01) && `sealed file of ${rec.bytes} bytes for ${bytes} served`,
      (y < expectedY || y > expectedY + 65_536) && `${y} 'y' bytes, expected ${expectedY}`,
      p.key === 'input' && inputEvents === 0 && 'no input events',
      p.key === 'on' && inputEvents > 0 && `${inputEvents} input events with input off`,
    ].filter(Boolean);
    castCheck[p.key] = problems.length ? `**${problems.join('; ')}**` : `ok: ${(y / 1e6).toFixed(1)} MB of 'y' in ${(bytes / 1e6).toFixed(1)} MB${rec.sealed ? `, sealed in ${(rec.bytes / 1e6).toFixed(1)} MB` : ''}`;
    details.push(`- terminal recording (${p.key}): ${rec.id}, ${bytes} bytes served, ${rec.bytes} stored${rec.sealed ? ' (sealed)' : ''}, state ${rec.state}; 'y' bytes ${y} (sent ${expectedY}); input events ${inputEvents}; output bytes the client received ${outputBytes.get(p.key)}`);
    log(`terminal recording ${p.key}: ${castCheck[p.key]}`);
  }

  for (const key of ['ssh', 'off', 'on', 'input'] as const) {
    details.push(`- bulk ${key}: ${runs[key].map((r) => `${r.mbPerSecond.toFixed(1)} MB/s (CPU/100MB ${r.cpuPer100MB[0]!.toFixed(2)})`).join(', ')}`);
  }
  for (const key of ['on', 'input'] as const) details.push(`- per-round ${key} / off throughput: ${runs[key].map((r, i) => (r.mbPerSecond / runs.off[i]!.mbPerSecond).toFixed(2)).join(', ')}`);
  const mbps = (key: TermKey) => median(runs[key].map((r) => r.mbPerSecond));
  const cpu = (key: TermKey) => median(runs[key].map((r) => r.cpuPer100MB[0]!));
  const paired = (key: 'on' | 'input') => median(runs[key].map((r, i) => r.mbPerSecond / runs.off[i]!.mbPerSecond));
  return {
    mbps: { ssh: mbps('ssh'), off: mbps('off'), on: mbps('on'), input: mbps('input') },
    pairedRatio: { on: paired('on'), input: paired('input') },
    cpuPer100MB: { ssh: cpu('ssh'), off: cpu('off'), on: cpu('on'), input: cpu('input') },
    castPerOutputByte,
    castCheck,
    rounds: ROUNDS,
    bulkMB: BULK_BYTES / 1e6,
  };
}

// ---------------------------------------------------------------- desktop

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU seconds of a whole process from /proc/PID/stat (utime + stime, in clock ticks): unlike procs.ts cpuSeconds (live threads'
 * schedstat) it keeps the time of threads that ended, and libvips's image threads in the gateway end when idle and come back,
 * which made a schedstat window go negative. Ticks (10 ms) are fine over windows of a minute or more.
 */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based) of the whole line.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

interface Snap {
  /** performance.now() and Date.now() (the recording's sync timestamps are wall-clock ms). */
  t: number;
  wall: number;
  viewer: number;
  viewerSyncs: number;
  rfb: number;
  rec: number;
  gwCpu: number;
  xvncCpu: number;
}

interface DesktopRun {
  mode: 'on' | 'off';
  activity: [Snap, Snap];
  idle: [Snap, Snap];
  /** Recording bytes at each 10 s sample during the activity (on). */
  timeline: number[];
  /** Syncs in the recording file with wall-clock timestamps inside each window (on). */
  recFrames: { activity: number; idle: number };
}

async function runDesktop(gw: DesktopGateway): Promise<DesktopSummary> {
  if (!existsSync(FONT)) notes.push(`${FONT} is missing (Debian fonts-dejavu-core): the activity's xterm fell back to another font, so its bytes differ from other runs`);
  const vnc = await startBenchXvnc();
  onCleanup(() => vnc.stop());
  const relay = await startCountingRelay(vnc.port);
  onCleanup(() => relay.close());
  const hosts = {
    on: await addHost(gw, { name: 'bench-rec-vnc-on', protocol: 'vnc', address: '127.0.0.1', port: relay.port, auth: { method: 'none' }, recording: { mode: 'on', input: false } }),
    off: await addHost(gw, { name: 'bench-rec-vnc-off', protocol: 'vnc', address: '127.0.0.1', port: relay.port, auth: { method: 'none' }, recording: { mode: 'off', input: false } }),
  };
  log(`desktop: Xvnc ${vnc.display} (pid ${vnc.pid}) on :${vnc.port}, relay :${relay.port}; ${DESKTOP_PAIRS} pair(s) of ${ACTIVITY_S} s activity + ${IDLE_S} s idle`);
  const runs: DesktopRun[] = [];
  for (let pair = 0; pair < DESKTOP_PAIRS; pair++) {
    for (const mode of pair % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) runs.push(await desktopRun(gw, vnc, relay, mode, hosts[mode]));
  }
  const offRecordings = (await recordingsOf(gw, hosts.off)).length;
  if (offRecordings) notes.push(`**the desktop host with recording off has ${offRecordings} recording(s)**`);
  await relay.close();
  await vnc.stop();

  const rates = (run: DesktopRun, which: 'activity' | 'idle'): DesktopRates => {
    const [a, b] = run[which];
    const min = (b.t - a.t) / 60_000;
    return {
      recBytesPerMin: run.mode === 'on' ? (b.rec - a.rec) / min : Number.NaN,
      viewerBytesPerMin: (b.viewer - a.viewer) / min,
      rfbBytesPerMin: (b.rfb - a.rfb) / min,
      gatewayCpuPerMin: (b.gwCpu - a.gwCpu) / min,
      xvncCpuPerMin: (b.xvncCpu - a.xvncCpu) / min,
      recFramesPerMin: run.mode === 'on' ? run.recFrames[which] / min : Number.NaN,
      viewerFramesPerMin: (b.viewerSyncs - a.viewerSyncs) / min,
    };
  };
  const medianRates = (mode: 'on' | 'off', which: 'activity' | 'idle'): DesktopRates => {
    const all = runs.filter((r) => r.mode === mode).map((r) => rates(r, which));
    const pick = (k: keyof DesktopRates) => median(all.map((r) => r[k]));
    return {
      recBytesPerMin: pick('recBytesPerMin'), viewerBytesPerMin: pick('viewerBytesPerMin'), rfbBytesPerMin: pick('rfbBytesPerMin'), gatewayCpuPerMin: pick('gatewayCpuPerMin'),
      xvncCpuPerMin: pick('xvncCpuPerMin'), recFramesPerMin: pick('recFramesPerMin'), viewerFramesPerMin: pick('viewerFramesPerMin'),
    };
  };
  for (const run of runs) {
    const [a, i] = [rates(run, 'activity'), rates(run, 'idle')];
    const show = (r: DesktopRates) =>
      `recording ${(r.recBytesPerMin / 1e3).toFixed(1)} KB/min (${r.recFramesPerMin.toFixed(0)} frames/min), viewer ${(r.viewerBytesPerMin / 1e3).toFixed(1)} KB/min (${r.viewerFramesPerMin.toFixed(0)} frames/min), ` +
      `RFB ${(r.rfbBytesPerMin / 1e3).toFixed(1)} KB/min, gateway CPU ${r.gatewayCpuPerMin.toFixed(3)} s/min, Xvnc ${r.xvncCpuPerMin.toFixed(3)} s/min`;
    details.push(`- desktop run, recording ${run.mode}: activity ${show(a)}; idle ${show(i)}`);
    if (run.mode === 'on') details.push(`  - recording bytes before the activity (the first full screen, 3 s settle): ${run.activity[0].rec}`);
    if (run.mode === 'on') details.push(`  - recording bytes every ${SAMPLE_EVERY_MS / 1000} s of the activity: ${run.timeline.map((b, k) => (k ? b - run.timeline[k - 1]! : 0)).slice(1).join(', ')}`);
  }
  return {
    activity: { on: medianRates('on', 'activity'), off: medianRates('off', 'activity') },
    idle: { on: medianRates('on', 'idle'), off: medianRates('off', 'idle') },
    activitySeconds: ACTIVITY_S,
    idleSeconds: IDLE_S,
    runsPerMode: DESKTOP_PAIRS,
  };
}

async function desktopRun(gw: DesktopGateway, vnc: BenchXvnc, relay: CountingRelay, mode: 'on' | 'off', hostId: string): Promise<DesktopRun> {
  const created = await gw.api('POST', '/api/sessions', { hostId });
  if (created.status !== 201) throw new Error(`open desktop session: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  const sessionId = (created.body as { id: string }).id;
  const viewer = await openGuacViewer(gw, sessionId, WIDTH, HEIGHT);
  await Promise.race([viewer.firstSync, sleep(30_000).then(() => Promise.reject(new Error(`desktop (${mode}): no first frame within 30 s`)))]);
  await sleep(3_000);
  // The same request in both modes: the "off" run pays for the API call too.
  const snap = async (): Promise<Snap> => {
    const rec = (await recordingsOf(gw, hostId)).find((r) => r.sessionId === sessionId);
    return { t: performance.now(), wall: Date.now(), viewer: viewer.bytes, viewerSyncs: viewer.syncs, rfb: relay.fromServer, rec: rec?.bytes ?? Number.NaN, gwCpu: processCpuSeconds(gw.pid), xvncCpu: processCpuSeconds(vnc.pid) };
  };
  log(`desktop (recording ${mode}): connected, ${viewer.bytes} bytes so far; activity for ${ACTIVITY_S} s`);
  const a0 = await snap();
  const activity = startActivity(vnc.display);
  onCleanup(() => activity.stop());
  const timeline = [a0.rec];
  const end = a0.t + ACTIVITY_S * 1000;
  while (performance.now() < end) {
    await sleep(Math.min(SAMPLE_EVERY_MS, end - performance.now()));
    if (activity.child.exitCode !== null) throw new Error(`the activity's xterm ended early: ${activity.output().slice(-500)}`);
    timeline.push((await snap()).rec);
  }
  await activity.stop();
  await sleep(2_000); // the window's disappearance, and the frames still on their way
  const a1 = await snap();
  log(`desktop (recording ${mode}): activity done (viewer ${((a1.viewer - a0.viewer) / 1e6).toFixed(2)} MB, RFB ${((a1.rfb - a0.rfb) / 1e6).toFixed(2)} MB${mode === 'on' ? `, recording ${((a1.rec - a0.rec) / 1e6).toFixed(2)} MB` : ''}); idle for ${IDLE_S} s`);
  await sleep(3_000);
  const i0 = await snap();
  await sleep(IDLE_S * 1000);
  const i1 = await snap();

  await gw.api('DELETE', `/api/sessions/${sessionId}`);
  await viewer.close();
  const opcodeList = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  details.push(`- desktop viewer (recording ${mode}), whole session: ${viewer.bytes} bytes in ${viewer.messages} messages (${opcodeList(viewer.opcodes)})`);
  const recFrames = { activity: 0, idle: 0 };
  if (mode === 'on') {
    const rec = await finishedRecording(gw, hostId, sessionId);
    if (!rec) throw new Error('desktop: the recording is missing');
    const chunks: Buffer[] = [];
    const bytes = await readRecording(gw, rec.id, (part) => chunks.push(Buffer.from(part)));
    const opcodes = new Map<string, number>();
    let instructions = 0;
    try {
      instructions = walkInstructions(Buffer.concat(chunks).toString('latin1'), (opcode, elements) => {
        opcodes.set(opcode, (opcodes.get(opcode) ?? 0) + 1);
        if (opcode !== 'sync') return;
        const ts = Number(elements[1]);
        if (ts >= a0.wall && ts <= a1.wall) recFrames.activity++;
        if (ts >= i0.wall && ts <= i1.wall) recFrames.idle++;
      });
    } catch (error) {
      notes.push(`**the desktop recording ${rec.id} does not parse as Guacamole instructions: ${(error as Error).message}**`);
    }
    // How much a compressor would save at rest (base64 PNG/JPEG inside text): a question the numbers raise.
    const gzipped = gzipSync(Buffer.concat(chunks), { level: 6 }).length;
    details.push(
      `- desktop recording ${rec.id}: ${bytes} bytes (gzip -6: ${gzipped}, ${(gzipped / bytes).toFixed(2)}x), state ${rec.state}, ${instructions} instructions (${opcodeList(opcodes)}); ` +
        `${recFrames.activity} frames in the activity window, ${recFrames.idle} in the idle window`,
    );
    if (rec.state !== 'complete') notes.push(`**the desktop recording ended in state ${rec.state}: ${rec.endReason}**`);
  }
  return { mode, activity: [a0, a1], idle: [i0, i1], timeline, recFrames };
}

// ---------------------------------------------------------------- report

function report(terminal: TerminalSummary | undefined, desktop: DesktopSummary | undefined): string {
  const version = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '?';
  };
  return [
    '# Recording benchmark (latest run)',
    '',
    `${new Date().toISOString()}; ${cpus().length} x ${cpus()[0]?.model ?? '?'}; Node ${process.version}; ${version('ssh', ['-V'])}; TigerVNC Xvnc ${packageVersion('tigervnc-standalone-server')}; ` +
      'recordings on the gateway\'s data directory under the system temp dir (same disk as the rest). Noisy shared 2-core machine: medians and ratios only. ' +
      'How each number is measured: the header of bench/recording.ts.',
    '',
    ...(terminal
      ? [
          `Terminal: one gateway child, one sshd, three hosts on it (recording off / on, output only / on with typed input) and \`ssh -tt\`; ${terminal.rounds} rounds of ${terminal.bulkMB} MB of bulk output per peer, the order rotating each round.`,
          '',
          renderTerminalTable(terminal),
          '',
        ]
      : []),
    ...(desktop
      ? [
          `Desktop: one viewer echoing every sync (a browser that draws at once), ${desktop.runsPerMode} run(s) per mode; activity ${desktop.activitySeconds} s: ${ACTIVITY_TEXT} ` +
            `Idle: ${desktop.idleSeconds} s with nothing changing on the screen (after the activity's window closed and 3 s of settling).`,
          '',
          renderDesktopTable(desktop),
          '',
        ]
      : []),
    ...(details.length ? ['Raw numbers:', '', ...details, ''] : []),
    ...(notes.length ? ['Notes:', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

runBench(main, { limitMs: TOTAL_LIMIT_MS, log });
