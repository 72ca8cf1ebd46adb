// The live-sharing benchmark (`npm run bench:share`): what 20 read-only guests watching a session cost its owner and the
// gateway. Prints a markdown table and writes bench/results/share-latest.md.
//
// One real OpenSSH sshd on 127.0.0.1 (test/lab/sshd.ts); the gateway in a child process (bench/gateway-child.ts, so its
// CPU and RSS are its own); the owner's terminal in this process (bench/porthole-peer.ts: acks on receipt, does not
// decode), which does nothing else while it measures; the guests in one more child process (bench/share-viewers-child.ts,
// at nice 10: their browsers would be on other machines, here they share the 2 cores):
// each opens the share link (POST /share/api/open -> pass) and attaches /share/api/terminal?pass=..., parses its output
// with xterm.js headless and acks every 32 KiB parsed, as the guest page does.
//
// What each number is:
// - owner echo: the owner's shell runs `stty raw -echo; exec cat`; single keys 2-10 ms (random) after the previous echo,
//   timed from send to the next output chunk (bench/measure.ts). Rounds of BENCH_SHARE_KEYS keys alternate
//   none / 20 viewers / none / 20 viewers ... (BENCH_SHARE_PAIRS pairs), after one unrecorded round of each; before each
//   round the viewers attach (or detach) and 300 ms pass. Median, p90, p99 over all keys of a condition; the ratio is
//   20 viewers / none; the target (<= 1.2x) is on the median. Gateway CPU (/proc schedstat, all threads) per key too.
// - burst: at the owner's prompt `seq 1 N; echo SEQ$((k))END` (BENCH_SHARE_SEQ, 200000: ~1.5 MB with the pty's \r),
//   from Enter to the marker at the owner; owner MB/s = bytes it received / that time; BENCH_SHARE_BURSTS per condition,
//   alternating. With viewers: when each one had parsed the marker (from Enter; a viewer that fell 1 MiB behind is skipped and
//   repainted, counted as a resync; one that parsed and acked all it got and then got nothing for 2 s is counted as stranded,
//   one still short of it after 15 s as out of time). Gateway CPU from Enter until every viewer had the marker (or gave up) + 300 ms.
// - memory: a fresh gateway and owner session (`seq 1 100` on screen); 5 viewers attached and gone as warm-up; gateway RSS
//   and V8 heapUsed after two forced GCs (the child's `stats`; median of 3 samples 1 s apart), with 0, then 20, then
//   BENCH_SHARE_MANY viewers attached, each after 2 s of settling; per viewer = (with N - with 0) / N, and per added viewer
//   between 20 and BENCH_SHARE_MANY.
// - revocation: BENCH_SHARE_REVOKES times, a fresh link with 20 viewers attached; the viewer process sends
//   DELETE /api/shares/:id as the owner and times each viewer's WebSocket close event from just before the request.
// Knobs: BENCH_SHARE_VIEWERS (20), BENCH_SHARE_MANY (100), BENCH_SHARE_PAIRS (12), BENCH_SHARE_KEYS (150), BENCH_SHARE_SEQ
// (200000), BENCH_SHARE_BURSTS (8), BENCH_SHARE_REVOKES (3), BENCH_SHARE_PARSE=xterm|count (count: ack on receipt, no
// parsing), BENCH_SHARE_VIEWER_NICE (10: the viewer process's niceness, as the guests' browsers would be on other machines;
// 0 lets it compete for the 2 cores as an equal), BENCH_SHARE_ONLY=burst,echo,revoke,memory, BENCH_GATEWAY_NODE_ARGS. Everything is on 127.0.0.1; every loop is
// bounded and the run gives up after 10 minutes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CreatedShareLink } from '../shared/share-types.js';
import { sshdUnavailableReason, startSshd } from '../test/lab/sshd.js';
import { echoSeries, enterEchoMode, median, percentile, type EchoSample } from './measure.js';
import { apiClient, startPortholeGateway, type PortholeGateway, type PortholeTerminal } from './porthole-peer.js';
import { cpuSeconds, onCleanup, rssBytes, runBench, envNumber } from './procs.js';
import { renderShareReport, type ShareSummary } from './share-report.js';
import { startViewers, type ViewerProcess } from './share-viewers.js';
import { PROMPT } from './tap.js';

const VIEWERS = envNumber('BENCH_SHARE_VIEWERS', 20);
const MANY = envNumber('BENCH_SHARE_MANY', 100);
const PAIRS = envNumber('BENCH_SHARE_PAIRS', 12);
const KEYS = envNumber('BENCH_SHARE_KEYS', 150);
const SEQ = envNumber('BENCH_SHARE_SEQ', 200_000);
const BURSTS = envNumber('BENCH_SHARE_BURSTS', 8);
const REVOKES = envNumber('BENCH_SHARE_REVOKES', 3);
/** How long the viewers get to show a burst's last line; a viewer that parsed all it got and then got nothing this long is stranded. */
const VIEWER_WAIT_MS = 15_000;
const VIEWER_IDLE_MS = 2_000;
const PARSE = process.env.BENCH_SHARE_PARSE === 'count' ? 'count' : 'xterm';
/** Niceness of the viewer process: the guests would be on other machines, here they share the 2 cores. */
const VIEWER_NICE = envNumber('BENCH_SHARE_VIEWER_NICE', 10);
const ONLY = new Set((process.env.BENCH_SHARE_ONLY ?? 'burst,echo,revoke,memory').split(','));
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const TOTAL_LIMIT_MS = 10 * 60_000;
const ROOT = join(import.meta.dirname, '..');

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench:share ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const notes: string[] = [];
const raw: string[] = [];
const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

async function createLink(gw: PortholeGateway, sessionId: string): Promise<{ id: string; token: string }> {
  const res = await apiClient(gw)('POST', '/api/shares', { kind: 'session', sessionId, mode: 'view', expiresInMinutes: 60, audience: 'anyone' });
  if (res.status !== 201) throw new Error(`create share: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  const link = res.body as CreatedShareLink;
  if (!/\/share\/#[A-Za-z0-9_-]+$/.test(link.url)) throw new Error(`unexpected share url ${link.url}`);
  return { id: link.id, token: link.url.slice(link.url.indexOf('#') + 1) };
}

/** Puts `count` viewers on the session (0: every one detached), then lets the gateway settle. */
async function setViewers(viewers: ViewerProcess, token: string, count: number): Promise<void> {
  if (count === 0) await viewers.request({ cmd: 'detach' });
  else {
    const a = await viewers.request<'attached'>({ cmd: 'attach', token, count });
    if (a.attached !== count) throw new Error(`wanted ${count} viewers attached, have ${a.attached}`);
  }
  await sleep(300);
}

type Condition = 'none' | 'viewers';
const countOf = (c: Condition) => (c === 'none' ? 0 : VIEWERS);

interface Burst {
  seconds: number;
  ownerMBps: number;
  gatewayCpuS: number;
  viewerCpuS: number;
  /** ms until each viewer had parsed the marker, from the wait-for command ~20 ms before Enter (viewers condition only). */
  viewerSeenMs: number[];
  resyncs: number;
  /** Viewers that never showed the marker: stranded (everything parsed, then nothing for VIEWER_IDLE_MS) or out of time. */
  stuck: number;
  stranded: number;
}

async function runBursts(gw: PortholeGateway, owner: PortholeTerminal, viewers: ViewerProcess, token: string): Promise<Record<Condition, Burst[]>> {
  const out: Record<Condition, Burst[]> = { none: [], viewers: [] };
  let k = 0;
  const once = async (condition: Condition): Promise<Burst> => {
    await setViewers(viewers, token, countOf(condition));
    await owner.tap.waitForTail(PROMPT, 20_000);
    await owner.tap.waitQuiet(100);
    const marker = `SEQ${++k}END`;
    const resyncsBefore = condition === 'viewers' ? (await viewers.request<'stats'>({ cmd: 'stats' })).resyncs : [];
    const gw0 = cpuSeconds(gw.pid);
    const v0 = cpuSeconds(viewers.pid);
    const seen = condition === 'viewers' ? viewers.request<'seen'>({ cmd: 'wait-for', text: marker, timeoutMs: VIEWER_WAIT_MS, idleMs: VIEWER_IDLE_MS }) : undefined;
    await sleep(20); // the wait-for command reaches the viewer process before the output does
    const b0 = owner.tap.bytes;
    const t0 = performance.now();
    owner.send(`seq 1 ${SEQ}; echo SEQ$((${k}))END\r`);
    await owner.tap.waitFor(() => owner.tap.tail.includes(marker), `owner burst marker ${marker}`, 60_000);
    const seconds = (owner.tap.lastAt - t0) / 1000;
    const bytes = owner.tap.bytes - b0;
    const s = seen ? await seen : undefined;
    await owner.tap.waitForTail(PROMPT, 10_000);
    await sleep(300);
    const resyncs = s ? s.resyncs.reduce((a, r, i) => a + r - (resyncsBefore[i] ?? 0), 0) : 0;
    const r: Burst = {
      seconds,
      ownerMBps: bytes / 1e6 / seconds,
      gatewayCpuS: cpuSeconds(gw.pid) - gw0,
      viewerCpuS: cpuSeconds(viewers.pid) - v0,
      viewerSeenMs: s?.at ?? [],
      resyncs,
      stuck: (s?.at ?? []).filter((x) => !Number.isFinite(x)).length,
      stranded: s?.stranded ?? 0,
    };
    log(`burst ${condition}: owner ${r.ownerMBps.toFixed(1)} MB/s (${bytes} bytes in ${(seconds * 1000).toFixed(0)} ms), gateway CPU ${r.gatewayCpuS.toFixed(3)} s, viewer process CPU ${r.viewerCpuS.toFixed(3)} s` +
      (s ? `; viewers had the marker after median ${f(median(s.at), 0)} / max ${f(percentile(s.at, 100), 0)} ms, ${resyncs} resyncs, ${r.stuck} never (${r.stranded} of them stranded)` : ''));
    return r;
  };
  log(`burst: warm-up (1 of each, not counted), then ${BURSTS} x seq 1 ${SEQ} per condition, alternating`);
  await once('none');
  await once('viewers');
  for (let i = 0; i < BURSTS; i++) {
    out.none.push(await once('none'));
    out.viewers.push(await once('viewers'));
  }
  return out;
}

interface EchoRound {
  condition: Condition;
  samples: EchoSample[];
  gatewayCpuUsPerKey: number;
  viewerCpuUsPerKey: number;
}

async function runEcho(gw: PortholeGateway, owner: PortholeTerminal, viewers: ViewerProcess, token: string): Promise<EchoRound[]> {
  await viewers.request({ cmd: 'detach' });
  await enterEchoMode(owner);
  const round = async (condition: Condition, keys: number): Promise<EchoRound> => {
    await setViewers(viewers, token, countOf(condition));
    await owner.tap.waitQuiet(100);
    const c0 = cpuSeconds(gw.pid);
    const v0 = cpuSeconds(viewers.pid);
    const samples = await echoSeries(owner, keys);
    const gatewayCpuUsPerKey = ((cpuSeconds(gw.pid) - c0) * 1e6) / samples.length;
    const viewerCpuUsPerKey = ((cpuSeconds(viewers.pid) - v0) * 1e6) / samples.length;
    const ms = samples.map((x) => x.ms);
    log(`echo ${condition}: median ${f(median(ms), 3)} ms, p90 ${f(percentile(ms, 90), 3)}, p99 ${f(percentile(ms, 99), 3)}, n=${ms.length}, odd chunks ${samples.filter((x) => x.odd).length}, gateway CPU ${gatewayCpuUsPerKey.toFixed(0)} us/key, viewer process ${viewerCpuUsPerKey.toFixed(0)} us/key`);
    return { condition, samples, gatewayCpuUsPerKey, viewerCpuUsPerKey };
  };
  log(`echo: warm-up round of each (50 keys, not counted), then ${PAIRS} x (none, ${VIEWERS} viewers) x ${KEYS} keys`);
  await round('none', 50);
  await round('viewers', 50);
  const rounds: EchoRound[] = [];
  for (let p = 0; p < PAIRS; p++) {
    rounds.push(await round('none', KEYS));
    rounds.push(await round('viewers', KEYS));
  }
  await viewers.request({ cmd: 'detach' });
  return rounds;
}

interface Revocation {
  deleteMs: number[];
  closeMs: number[];
  codes: number[];
}

async function runRevocations(gw: PortholeGateway, sessionId: string, viewers: ViewerProcess): Promise<Revocation> {
  const out: Revocation = { deleteMs: [], closeMs: [], codes: [] };
  for (let i = 0; i < REVOKES; i++) {
    await viewers.request({ cmd: 'forget' });
    const link = await createLink(gw, sessionId);
    await setViewers(viewers, link.token, VIEWERS);
    const r = await viewers.request<'revoked'>({ cmd: 'revoke', cookie: gw.cookie, linkId: link.id });
    if (r.status !== 204) throw new Error(`revoke: HTTP ${r.status}`);
    out.deleteMs.push(r.deleteMs);
    out.closeMs.push(...r.closeMs);
    out.codes.push(...r.codes);
    log(`revoke #${i + 1}: DELETE answered after ${r.deleteMs.toFixed(1)} ms; viewers closed after median ${f(median(r.closeMs), 1)} / max ${f(percentile(r.closeMs, 100), 1)} ms; codes ${[...new Set(r.codes)].join(',')}; ${r.reasons.join(' | ')}`);
  }
  await viewers.request({ cmd: 'forget' });
  return out;
}

interface MemoryPoint {
  viewers: number;
  rss: number;
  procRss: number;
  heapUsed: number;
  external: number;
}

/** A fresh gateway, so earlier phases' high-water marks do not hide what viewers add. */
async function runMemory(sshd: { port: number; user: string; privateKey: string }): Promise<MemoryPoint[]> {
  const gw = await startPortholeGateway(GATEWAY_NODE_ARGS);
  let viewers: ViewerProcess | undefined;
  try {
    const hostId = await gw.addKeyHost(sshd);
    const owner = await gw.openTerminal(hostId);
    await owner.tap.waitForTail(PROMPT, 20_000);
    owner.send('seq 1 100\r');
    await owner.tap.waitForTail(/100\r\n.*[$#] (\x1b\[[0-9;?]*[a-zA-Z])*$/s, 10_000);
    const link = await createLink(gw, owner.sessionId);
    viewers = await startViewers(gw.url, PARSE, VIEWER_NICE);
    // Warm-up: load and JIT the share and guest paths, so the baseline is not charged to the viewers.
    await viewers.request({ cmd: 'attach', token: link.token, count: 5 });
    await viewers.request({ cmd: 'forget' });
    await sleep(1_000);
    const points: MemoryPoint[] = [];
    const measure = async (n: number) => {
      if (n > 0) {
        const a = await viewers!.request<'attached'>({ cmd: 'attach', token: link.token, count: n }, 120_000);
        if (a.attached !== n) throw new Error(`memory: wanted ${n} viewers attached, have ${a.attached}`);
        await sleep(2_000);
      }
      // Three samples 1 s apart (each after two forced GCs), median of each figure: RSS moves by MiBs on its own.
      const samples: { rss: number; procRss: number; heapUsed: number; external: number }[] = [];
      for (let i = 0; i < 3; i++) {
        if (i > 0) await sleep(1_000);
        samples.push({ ...(await gw.stats()), procRss: rssBytes(gw.pid) });
      }
      const mid = (pick: (x: (typeof samples)[number]) => number) => median(samples.map(pick));
      const p: MemoryPoint = { viewers: n, rss: mid((x) => x.rss), procRss: mid((x) => x.procRss), heapUsed: mid((x) => x.heapUsed), external: mid((x) => x.external) };
      points.push(p);
      const v = n > 0 ? await viewers!.request<'stats'>({ cmd: 'stats' }) : undefined;
      log(`memory, ${n} viewers: gateway RSS ${(p.rss / 1048576).toFixed(1)} MiB (/proc ${(p.procRss / 1048576).toFixed(1)}), heapUsed ${(p.heapUsed / 1048576).toFixed(1)} MiB, external ${(p.external / 1048576).toFixed(1)} MiB${v ? `; viewer process RSS ${(v.memory / 1048576).toFixed(0)} MiB` : ''}`);
    };
    await measure(0);
    await measure(VIEWERS);
    if (MANY > VIEWERS) await measure(MANY);
    return points;
  } finally {
    await viewers?.stop();
    await gw.stop();
  }
}

async function main(): Promise<void> {
  const why = sshdUnavailableReason();
  if (why) throw new Error(`cannot run the share benchmark: sshd ${why}`);
  if (GATEWAY_NODE_ARGS.length) notes.push(`gateway child ran with extra node flags: ${GATEWAY_NODE_ARGS.join(' ')}`);
  if (PARSE === 'count') notes.push('viewers did not parse (BENCH_SHARE_PARSE=count): they acked on receipt.');
  const sshd = await startSshd({ extraConfig: ['MaxStartups 300:30:400', 'MaxSessions 300'] });
  onCleanup(() => sshd.stop());
  const loadBefore = loadavg()[0]!;
  log(`sshd on 127.0.0.1:${sshd.port}; ${VIEWERS} viewers (parse: ${PARSE}, nice ${VIEWER_NICE}); echo ${PAIRS} pairs x ${KEYS} keys; ${BURSTS} bursts of seq 1 ${SEQ} per condition; load ${loadBefore.toFixed(2)}`);

  const summary: ShareSummary = { viewers: VIEWERS, many: MANY, seq: SEQ };
  if (ONLY.has('burst') || ONLY.has('echo') || ONLY.has('revoke')) {
    const gw = await startPortholeGateway(GATEWAY_NODE_ARGS);
    const hostId = await gw.addKeyHost({ port: sshd.port, user: sshd.user, privateKey: sshd.privateKey });
    const owner = await gw.openTerminal(hostId);
    await owner.tap.waitForTail(PROMPT, 20_000);
    const link = await createLink(gw, owner.sessionId);
    const viewers = await startViewers(gw.url, PARSE, VIEWER_NICE);
    log(`gateway pid ${gw.pid} at ${gw.url}; viewer process pid ${viewers.pid}; owner session ${owner.sessionId}`);
    // Warm-up of the guest path (open, attach with repaint, detach) before anything is timed.
    await setViewers(viewers, link.token, VIEWERS);
    await setViewers(viewers, link.token, 0);

    if (ONLY.has('burst')) {
      const bursts = await runBursts(gw, owner, viewers, link.token);
      summary.burst = {
        ownerMBps: { none: median(bursts.none.map((b) => b.ownerMBps)), viewers: median(bursts.viewers.map((b) => b.ownerMBps)) },
        gatewayCpuS: { none: median(bursts.none.map((b) => b.gatewayCpuS)), viewers: median(bursts.viewers.map((b) => b.gatewayCpuS)) },
        viewerSeenMedianMs: median(bursts.viewers.map((b) => median(b.viewerSeenMs))),
        viewerSeenMaxMs: percentile(bursts.viewers.flatMap((b) => b.viewerSeenMs), 100),
        ownerMs: { none: median(bursts.none.map((b) => b.seconds * 1000)), viewers: median(bursts.viewers.map((b) => b.seconds * 1000)) },
        resyncs: bursts.viewers.reduce((a, b) => a + b.resyncs, 0),
        stuck: bursts.viewers.reduce((a, b) => a + b.stuck, 0),
        stranded: bursts.viewers.reduce((a, b) => a + b.stranded, 0),
        bursts: bursts.viewers.length,
      };
      if (summary.burst.stuck > 0) {
        notes.push(
          `burst: ${summary.burst.stuck} of ${bursts.viewers.length * VIEWERS} viewer-bursts never showed the last line (${summary.burst.stranded} stranded: ` +
            `they had parsed and acknowledged everything they received, then got nothing for ${VIEWER_IDLE_MS / 1000} s; the rest ran out of ` +
            `${VIEWER_WAIT_MS / 1000} s). A stranded watcher was skipped for lagging and never repainted: it gets no more output until it ` +
            'reconnects, and those bursts cost the gateway less than they would have.',
        );
      }
      for (const c of ['none', 'viewers'] as const) {
        raw.push(`- burst ${c}: owner MB/s ${bursts[c].map((b) => b.ownerMBps.toFixed(1)).join(', ')}; gateway CPU s ${bursts[c].map((b) => b.gatewayCpuS.toFixed(3)).join(', ')}; viewer process CPU s ${bursts[c].map((b) => b.viewerCpuS.toFixed(2)).join(', ')}` +
          (c === 'viewers' ? `; viewers had the marker after (median/max ms) ${bursts[c].map((b) => `${f(median(b.viewerSeenMs), 0)}/${f(percentile(b.viewerSeenMs, 100), 0)}`).join(', ')}; resyncs ${bursts[c].map((b) => b.resyncs).join(', ')}; never ${bursts[c].map((b) => `${b.stuck} (${b.stranded} stranded)`).join(', ')}` : ''));
      }
    }
    if (ONLY.has('echo')) {
      const rounds = await runEcho(gw, owner, viewers, link.token);
      const ms = (c: Condition) => rounds.filter((r) => r.condition === c).flatMap((r) => r.samples.map((s) => s.ms));
      const cpu = (c: Condition) => median(rounds.filter((r) => r.condition === c).map((r) => r.gatewayCpuUsPerKey));
      const viewerCpu = (c: Condition) => median(rounds.filter((r) => r.condition === c).map((r) => r.viewerCpuUsPerKey));
      const pairRatios: number[] = [];
      for (let i = 0; i + 1 < rounds.length; i += 2) pairRatios.push(median(rounds[i + 1]!.samples.map((s) => s.ms)) / median(rounds[i]!.samples.map((s) => s.ms)));
      const stat = (c: Condition) => ({ median: percentile(ms(c), 50), p90: percentile(ms(c), 90), p99: percentile(ms(c), 99), n: ms(c).length });
      summary.echo = { none: stat('none'), viewers: stat('viewers'), gatewayCpuUsPerKey: { none: cpu('none'), viewers: cpu('viewers') }, viewerCpuUsPerKey: { none: viewerCpu('none'), viewers: viewerCpu('viewers') }, pairRatios };
      for (const c of ['none', 'viewers'] as const) {
        const xs = ms(c);
        raw.push(`- echo ${c}: n=${xs.length}, min ${f(percentile(xs, 0), 3)}, median ${f(percentile(xs, 50), 3)}, p90 ${f(percentile(xs, 90), 3)}, p99 ${f(percentile(xs, 99), 3)}, max ${f(percentile(xs, 100), 3)} ms; per-round medians ${rounds.filter((r) => r.condition === c).map((r) => f(median(r.samples.map((s) => s.ms)), 3)).join(', ')}; odd chunks ${rounds.filter((r) => r.condition === c).reduce((a, r) => a + r.samples.filter((s) => s.odd).length, 0)}`);
      }
      raw.push(`- echo, per-pair ratio of medians (viewers / none): ${pairRatios.map((r) => r.toFixed(2)).join(', ')}`);
    }
    if (ONLY.has('revoke')) {
      const r = await runRevocations(gw, owner.sessionId, viewers);
      const codes = [...new Set(r.codes)];
      summary.revoke = { closeMedianMs: median(r.closeMs), closeMaxMs: percentile(r.closeMs, 100), deleteMedianMs: median(r.deleteMs), n: r.closeMs.length, reps: r.deleteMs.length };
      raw.push(`- revocation: DELETE answered after ${r.deleteMs.map((x) => x.toFixed(1)).join(', ')} ms; viewer close events after (ms, all): ${r.closeMs.map((x) => x.toFixed(1)).join(' ')}; close codes ${codes.join(', ')}`);
      if (r.closeMs.some((x) => !Number.isFinite(x))) notes.push('revocation: some viewers saw no close event within 10 s.');
    }
    await viewers.stop();
    await owner.close();
    await gw.stop();
  }
  if (ONLY.has('memory')) {
    const points = await runMemory({ port: sshd.port, user: sshd.user, privateKey: sshd.privateKey });
    summary.memory = points;
    raw.push(`- memory: ${points.map((p) => `${p.viewers} viewers: RSS ${(p.rss / 1048576).toFixed(1)} MiB (/proc ${(p.procRss / 1048576).toFixed(1)}), heapUsed ${(p.heapUsed / 1048576).toFixed(1)} MiB, external ${(p.external / 1048576).toFixed(1)} MiB`).join('; ')}`);
  }
  const loadAfter = loadavg()[0]!;
  notes.push(`1-minute load average ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end (2 cores, shared).`);

  const version = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '?';
  };
  const header =
    `${new Date().toISOString()}; ${cpus().length} x ${cpus()[0]?.model ?? '?'}; Node ${process.version}; ${version('/usr/sbin/sshd', ['-V'])}; ` +
    `${VIEWERS} read-only viewers (${PARSE === 'xterm' ? 'xterm.js headless, ack every 32 KiB parsed' : 'ack on receipt, no parsing'}) in their own process (nice ${VIEWER_NICE}); ` +
    `echo ${PAIRS} x 2 interleaved rounds of ${KEYS} keys; ${BURSTS} bursts of \`seq 1 ${SEQ}\` per condition. Noisy 2-core machine: medians and ratios only. ` +
    'How each number is measured: the header of bench/share.ts.';
  const markdown = renderShareReport(summary, header, raw, notes);
  process.stdout.write(`\n${markdown}\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'share-latest.md'), markdown + '\n');
  log('wrote bench/results/share-latest.md');
}

runBench(main, { limitMs: TOTAL_LIMIT_MS, log });
