// The terminal benchmark (`npm run bench`): Porthole vs ssh -tt vs WeTTY against one real sshd; prints a markdown table.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sshdUnavailableReason, startSshd } from '../test/lab/sshd.js';
import { bulkRun, echoSeries, enterEchoMode, median, percentile, type BulkResult, type EchoSample } from './measure.js';
import { startPortholeGateway, type LoopStats, type PortholeGateway, type PortholeTerminal } from './porthole-peer.js';
import { cpuSeconds, onCleanup, rssBytes, spawnTracked, runBench, envNumber } from './procs.js';
import { renderEchoBreakdown, renderTable, type Summary } from './report.js';
import { openSshTerminal, type SshTarget } from './ssh-peer.js';
import { PROMPT, type TerminalPipe } from './tap.js';
import { ensureWetty, startWetty, type WettyServer, type WettyTerminal } from './wetty-peer.js';

const BULK_BYTES = envNumber('BENCH_BULK_MB', 100) * 1e6;
const REPS = envNumber('BENCH_REPS', 3);
const ECHO_TRIES = envNumber('BENCH_ECHO_TRIES', 400);
const IDLE_SESSIONS = envNumber('BENCH_IDLE_SESSIONS', 200);
const IDLE_BATCH = 20;
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bulk,echo,loaded,idle').split(','));
/** Extra node flags for the gateway child, space-separated (profiling, or `--import FILE` to try a patch). */
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const TOTAL_LIMIT_MS = 8 * 60_000;
const ROOT = join(import.meta.dirname, '..');

const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const started = Date.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const notes: string[] = [];

async function main(): Promise<void> {
  const why = sshdUnavailableReason();
  if (why) throw new Error(`cannot run the terminal benchmark: sshd ${why}`);
  const wettyProblem = ONLY.has('bulk') || ONLY.has('echo') ? await ensureWetty(log) : 'not run (BENCH_ONLY)';
  if (wettyProblem) notes.push(`WeTTY: ${wettyProblem}`);

  if (GATEWAY_NODE_ARGS.length) notes.push(`gateway child ran with extra node flags: ${GATEWAY_NODE_ARGS.join(' ')}`);
  const sshd = await startSshd({ extraConfig: ['MaxStartups 300:30:400', 'MaxSessions 300'] });
  onCleanup(() => sshd.stop());
  const keyDir = mkdtempSync(join(tmpdir(), 'porthole-bench-key-'));
  onCleanup(async () => rmSync(keyDir, { recursive: true, force: true }));
  const keyFile = join(keyDir, 'id_ed25519');
  writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
  const target: SshTarget = { port: sshd.port, user: sshd.user, keyFile };
  log(`sshd on 127.0.0.1:${sshd.port}; bulk ${BULK_BYTES / 1e6} MB x ${REPS}, echo ${ECHO_TRIES} tries, ${IDLE_SESSIONS} idle sessions`);

  const gw = await startPortholeGateway(GATEWAY_NODE_ARGS);
  const hostId = await gw.addKeyHost({ port: sshd.port, user: sshd.user, privateKey: sshd.privateKey });
  const wetty = wettyProblem ? undefined : await startWetty(target);
  log(`gateway pid ${gw.pid} at ${gw.url}${wetty ? `; WeTTY pid ${wetty.pid} at ${wetty.url}` : ''}`);

  const bulk = ONLY.has('bulk') ? await runBulk(gw, hostId, target, wetty) : undefined;
  const echo = ONLY.has('echo') || ONLY.has('loaded') ? await runEcho(gw, hostId, target, wetty) : undefined;
  await wetty?.stop();
  await gw.stop();
  const idle = ONLY.has('idle') ? await runIdle(sshd.port, sshd.user, sshd.privateKey) : undefined;

  const cpuOf = (name: 'porthole' | 'ssh' | 'wetty', i: number) => median((bulk?.[name] ?? []).map((r) => r.cpuPer100MB[i]!));
  const mbps = (name: 'porthole' | 'ssh' | 'wetty') => median((bulk?.[name] ?? []).map((r) => r.mbPerSecond));
  const ms = (xs: EchoSample[] | undefined, p: number) => percentile((xs ?? []).map((x) => x.ms), p);
  const summary: Summary = {
    bulkMBps: { ssh: mbps('ssh'), porthole: mbps('porthole'), wetty: mbps('wetty') },
    echoMedianMs: { ssh: ms(echo?.quiet.ssh, 50), porthole: ms(echo?.quiet.porthole, 50), wetty: ms(echo?.quiet.wetty, 50), relay: ms(echo?.quiet.relay, 50) },
    echoP99Ms: { ssh: ms(echo?.quiet.ssh, 99), porthole: ms(echo?.quiet.porthole, 99), wetty: ms(echo?.quiet.wetty, 99), relay: ms(echo?.quiet.relay, 99) },
    cpuUsPerKey: {
      ssh: echo?.cpuUsPerKey.ssh ?? Number.NaN,
      porthole: echo?.cpuUsPerKey.porthole ?? Number.NaN,
      wetty: echo?.cpuUsPerKey.wetty ?? Number.NaN,
      relay: echo?.cpuUsPerKey.relay ?? Number.NaN,
    },
    loadedLoop: echo?.loaded.porthole?.loop,
    loadedEchoMedianMs: { ssh: ms(echo?.loaded.ssh?.samples, 50), porthole: ms(echo?.loaded.porthole?.samples, 50) },
    loadedEchoP99Ms: { ssh: ms(echo?.loaded.ssh?.samples, 99), porthole: ms(echo?.loaded.porthole?.samples, 99) },
    loadedStreamMBps: { ssh: echo?.loaded.ssh?.streamMBps ?? Number.NaN, porthole: echo?.loaded.porthole?.streamMBps ?? Number.NaN },
    cpuPer100MB: { sshClient: cpuOf('ssh', 0), porthole: cpuOf('porthole', 0), wettyNode: cpuOf('wetty', 0), wettyWithSsh: cpuOf('wetty', 1) },
    idleRssKBPerSession: idle?.rssKB ?? Number.NaN,
    idleHeapKBPerSession: idle?.heapKB ?? Number.NaN,
    idleSessions: idle?.sessions ?? IDLE_SESSIONS,
  };
  const details = detailLines(bulk, echo, idle);
  const markdown = report(summary, details);
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'terminal-latest.md'), markdown + '\n');
  log('wrote bench/results/terminal-latest.md');
}

type Bulk = Record<'porthole' | 'ssh' | 'wetty', BulkResult[]>;

/** (a) + (c): one persistent shell per peer; repetitions interleaved across peers so machine noise hits all alike. */
async function runBulk(gw: PortholeGateway, hostId: string, target: SshTarget, wetty: WettyServer | undefined): Promise<Bulk> {
  const porthole = await gw.openTerminal(hostId);
  const ssh = openSshTerminal(target);
  const w = await wetty?.open();
  const peers: { key: keyof Bulk; pipe: TerminalPipe; cpu: () => number[] }[] = [
    { key: 'porthole', pipe: porthole, cpu: () => [cpuSeconds(gw.pid)] },
    { key: 'ssh', pipe: ssh, cpu: () => [cpuSeconds(ssh.proc.pid)] },
    ...(w && wetty ? [{ key: 'wetty' as const, pipe: w, cpu: () => wettyCpu(wetty, w) }] : []),
  ];
  for (const p of peers) await p.pipe.tap.waitForTail(PROMPT, 20_000);
  const out: Bulk = { porthole: [], ssh: [], wetty: [] };
  log('bulk: warm-up (10 MB each, not counted)');
  for (const p of peers) await bulkRun(p.pipe, 10e6, 1, p.cpu);
  for (let rep = 0; rep < REPS; rep++) {
    for (const p of peers) {
      const r = await bulkRun(p.pipe, BULK_BYTES, 100 + rep, p.cpu);
      out[p.key].push(r);
      log(`bulk ${p.pipe.name} #${rep + 1}: ${r.mbPerSecond.toFixed(1)} MB/s, ${r.seconds.toFixed(2)} s, ${r.bytesReceived} bytes in chunks of ${r.meanChunkBytes.toFixed(0)} B, CPU/100MB ${r.cpuPer100MB.map((c) => c.toFixed(2)).join(' / ')}`);
    }
  }
  await Promise.all(peers.map((p) => p.pipe.close()));
  return out;
}

function wettyCpu(wetty: WettyServer, w: WettyTerminal): number[] {
  const node = cpuSeconds(wetty.pid);
  return [node, node + (w.sshPid ? cpuSeconds(w.sshPid) : Number.NaN)];
}

type EchoPeer = 'porthole' | 'ssh' | 'relay' | 'wetty';

interface Echo {
  quiet: Partial<Record<EchoPeer, EchoSample[]>>;
  /** CPU microseconds per key of the process(es) in the middle: gateway, relay, ssh client, WeTTY node + its ssh. */
  cpuUsPerKey: Partial<Record<EchoPeer, number>>;
  loaded: Partial<Record<'porthole' | 'ssh', Loaded>>;
}

/** (b) + (e): one `cat` per peer; quiet echo in interleaved blocks, then echo while a second session streams. */
async function runEcho(gw: PortholeGateway, hostId: string, target: SshTarget, wetty: WettyServer | undefined): Promise<Echo> {
  const relay = spawnTracked(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'relay-child.ts'), String(target.port)], { cwd: ROOT, keepStdout: true });
  const relayPort = Number(await new Promise<string>((resolve) => createInterface({ input: relay.child.stdout! }).once('line', resolve)));
  const porthole = await gw.openTerminal(hostId);
  const ssh = openSshTerminal(target);
  const peers: { key: EchoPeer; pipe: TerminalPipe; cpu: () => number }[] = [
    { key: 'porthole', pipe: porthole, cpu: () => cpuSeconds(gw.pid) },
    { key: 'ssh', pipe: ssh, cpu: () => cpuSeconds(ssh.proc.pid) },
  ];
  if (ONLY.has('echo')) {
    const relayed = openSshTerminal({ ...target, port: relayPort });
    peers.push({ key: 'relay', pipe: relayed, cpu: () => cpuSeconds(relay.pid) });
    const w = await wetty?.open();
    if (w && wetty) peers.push({ key: 'wetty', pipe: w, cpu: () => wettyCpu(wetty, w)[1]! });
  }
  for (const p of peers) await enterEchoMode(p.pipe);
  const out: Echo = { quiet: {}, cpuUsPerKey: {}, loaded: {} };
  if (ONLY.has('echo')) {
    const blocks = 4;
    const cpu: Partial<Record<EchoPeer, number>> = {};
    for (let b = 0; b < blocks; b++) {
      for (const p of peers) {
        const c0 = p.cpu();
        (out.quiet[p.key] ??= []).push(...(await echoSeries(p.pipe, Math.ceil(ECHO_TRIES / blocks))));
        cpu[p.key] = (cpu[p.key] ?? 0) + p.cpu() - c0;
      }
    }
    for (const [key, samples] of Object.entries(out.quiet) as [EchoPeer, EchoSample[]][]) {
      out.cpuUsPerKey[key] = ((cpu[key] ?? Number.NaN) * 1e6) / samples.length;
      log(`echo ${key}: median ${percentile(samples.map((s) => s.ms), 50).toFixed(3)} ms, p99 ${percentile(samples.map((s) => s.ms), 99).toFixed(3)} ms, n=${samples.length}, odd chunks ${samples.filter((s) => s.odd).length}, CPU ${out.cpuUsPerKey[key]!.toFixed(0)} us/key`);
    }
  }
  if (ONLY.has('loaded')) {
    out.loaded.porthole = await echoWhileStreaming(porthole, { via: 'porthole', url: gw.url, cookie: gw.cookie, hostId }, gw);
    out.loaded.ssh = await echoWhileStreaming(ssh, { via: 'ssh', ...target });
  }
  await Promise.all(peers.map((p) => p.pipe.close()));
  await relay.stop();
  return out;
}

interface Loaded {
  samples: EchoSample[];
  streamMBps: number;
  /** The gateway's event-loop delay and GC pauses during the test (Porthole only). */
  loop?: LoopStats;
}

/** Starts bench/stream-child.ts (its own process consumes the stream), waits until it flows, then times echoes. */
async function echoWhileStreaming(pipe: TerminalPipe, spec: object, gw?: PortholeGateway): Promise<Loaded> {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'stream-child.ts'), JSON.stringify(spec)], { cwd: ROOT, keepStdout: true });
  let last = { bytes: 0, ms: 0 };
  createInterface({ input: child.child.stdout! }).on('line', (line) => {
    try {
      last = JSON.parse(line) as typeof last;
    } catch {
      // not a report line
    }
  });
  const deadline = Date.now() + 20_000;
  while (last.bytes < 20e6 && Date.now() < deadline && child.child.exitCode === null) await sleep(50);
  if (last.bytes < 20e6) {
    await child.stop();
    throw new Error(`${pipe.name}: the streaming session did not get going (${last.bytes} bytes): ${child.output()}`);
  }
  const from = last;
  await gw?.loopStart();
  const samples = await echoSeries(pipe, ECHO_TRIES);
  const loop = await gw?.loopStop();
  const to = last;
  child.child.stdin!.end();
  const timer = setTimeout(() => void child.stop(), 5_000);
  await child.exited;
  clearTimeout(timer);
  await pipe.tap.waitQuiet(50, 1_000);
  const streamMBps = (to.bytes - from.bytes) / 1e6 / ((to.ms - from.ms) / 1000);
  log(`echo under load ${pipe.name}: median ${median(samples.map((s) => s.ms)).toFixed(3)} ms, p99 ${percentile(samples.map((s) => s.ms), 99).toFixed(3)} ms, stream ${streamMBps.toFixed(1)} MB/s${loop ? `; gateway ${JSON.stringify(loop)}` : ''}`);
  return { samples, streamMBps, ...(loop ? { loop } : {}) };
}

interface Idle {
  sessions: number;
  rssKB: number;
  heapKB: number;
  before: { rss: number; heapUsed: number; external: number };
  after: { rss: number; heapUsed: number; external: number };
}

/** (d): a fresh gateway; RSS (after a forced GC) before and after N sessions sit idle at a prompt with a client attached. */
async function runIdle(port: number, user: string, privateKey: string): Promise<Idle> {
  const gw = await startPortholeGateway(GATEWAY_NODE_ARGS);
  const terminals: PortholeTerminal[] = [];
  try {
    const hostId = await gw.addKeyHost({ port, user, privateKey });
    // Warm-up: load and JIT everything a session touches, so the baseline is not charged to the sessions.
    for (let i = 0; i < 3; i++) {
      const t = await gw.openTerminal(hostId);
      await t.tap.waitForTail(PROMPT, 20_000);
      await t.close();
    }
    await sleep(1_000);
    const before = await gw.stats();
    const procBefore = rssBytes(gw.pid);
    const deadline = Date.now() + 120_000;
    let failed = 0;
    for (let opened = 0; opened < IDLE_SESSIONS && Date.now() < deadline; opened += IDLE_BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(IDLE_BATCH, IDLE_SESSIONS - opened) }, () => gw.openTerminal(hostId)));
      terminals.push(...batch);
      const waits = await Promise.allSettled(batch.map((t) => t.tap.waitForTail(PROMPT, 30_000)));
      waits.forEach((w, i) => {
        if (w.status === 'fulfilled') return;
        failed++;
        log(`idle: a session did not reach its prompt: ${(w.reason as Error).message.slice(0, 200)}; messages ${JSON.stringify(batch[i]!.messages).slice(0, 400)}`);
      });
      log(`idle: ${terminals.length - failed} sessions at a prompt`);
    }
    if (failed) notes.push(`idle: ${failed} of ${terminals.length} sessions did not reach a prompt within 30 s (still counted: they hold a connection).`);
    await sleep(3_000); // let the screen mirrors' idle parse run
    const after = await gw.stats();
    const procAfter = rssBytes(gw.pid);
    const n = terminals.length;
    log(`idle: RSS ${(before.rss / 1e6).toFixed(1)} -> ${(after.rss / 1e6).toFixed(1)} MB (/proc ${(procBefore / 1e6).toFixed(1)} -> ${(procAfter / 1e6).toFixed(1)}), heap ${(before.heapUsed / 1e6).toFixed(1)} -> ${(after.heapUsed / 1e6).toFixed(1)} MB, gc ${after.gc}, sessions ${after.sessions}`);
    return { sessions: n, rssKB: (after.rss - before.rss) / 1024 / n, heapKB: (after.heapUsed - before.heapUsed) / 1024 / n, before, after };
  } finally {
    await gw.stop(); // ends every session; the clients see their sockets close
    await Promise.all(terminals.map((t) => t.close()));
  }
}

function detailLines(bulk: Bulk | undefined, echo: Echo | undefined, idle: Idle | undefined): string[] {
  const lines: string[] = [];
  for (const [name, runs] of Object.entries(bulk ?? {})) {
    if (runs.length) lines.push(`- bulk ${name}: ${runs.map((r) => `${r.mbPerSecond.toFixed(1)} MB/s (CPU/100MB ${r.cpuPer100MB.map((c) => c.toFixed(2)).join('+ssh ')})`).join(', ')}`);
  }
  for (const [name, samples] of Object.entries(echo?.quiet ?? {})) {
    const xs = samples.map((s) => s.ms);
    lines.push(`- echo ${name}: n=${xs.length}, min ${percentile(xs, 0).toFixed(3)}, median ${percentile(xs, 50).toFixed(3)}, p90 ${percentile(xs, 90).toFixed(3)}, p99 ${percentile(xs, 99).toFixed(3)}, max ${percentile(xs, 100).toFixed(3)} ms`);
  }
  for (const [name, l] of Object.entries(echo?.loaded ?? {})) {
    const xs = l.samples.map((s) => s.ms);
    lines.push(`- echo under load ${name}: n=${xs.length}, median ${percentile(xs, 50).toFixed(3)}, p90 ${percentile(xs, 90).toFixed(3)}, p99 ${percentile(xs, 99).toFixed(3)}, max ${percentile(xs, 100).toFixed(3)} ms; stream ${l.streamMBps.toFixed(1)} MB/s${l.loop ? `; gateway loop delay p50/p99/max ${l.loop.loopDelayP50Ms.toFixed(1)}/${l.loop.loopDelayP99Ms.toFixed(1)}/${l.loop.loopDelayMaxMs.toFixed(1)} ms, GC ${l.loop.gcCount} pauses, ${l.loop.gcTotalMs.toFixed(0)} ms total, max ${l.loop.gcMaxMs.toFixed(1)} ms` : ''}`);
  }
  if (idle) {
    lines.push(`- idle: ${idle.sessions} sessions; RSS ${(idle.before.rss / 1048576).toFixed(1)} -> ${(idle.after.rss / 1048576).toFixed(1)} MiB, heapUsed ${(idle.before.heapUsed / 1048576).toFixed(1)} -> ${(idle.after.heapUsed / 1048576).toFixed(1)} MiB, external ${(idle.before.external / 1048576).toFixed(1)} -> ${(idle.after.external / 1048576).toFixed(1)} MiB`);
  }
  return lines;
}

function report(summary: Summary, details: string[]): string {
  const version = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '?';
  };
  return [
    '# Terminal benchmark (latest run)',
    '',
    `${new Date().toISOString()}; ${cpus().length} x ${cpus()[0]?.model ?? '?'}; Node ${process.version}; ${version('ssh', ['-V'])}; ` +
      `bulk ${BULK_BYTES / 1e6} MB x ${REPS} per peer; echo ${ECHO_TRIES} keys per peer; all against one sshd on 127.0.0.1. ` +
      'Noisy 2-core machine: medians and ratios only. How each number is measured: bench/README.md.',
    '',
    renderTable(summary),
    '',
    renderEchoBreakdown(summary),
    '',
    ...(details.length ? ['Raw numbers:', '', ...details, ''] : []),
    ...(notes.length ? ['Notes:', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

runBench(main, { limitMs: TOTAL_LIMIT_MS, log });

