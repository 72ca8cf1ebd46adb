// The measurements themselves, the same for every peer: bulk output throughput with CPU samples, keystroke echo round trips.
import { performance } from 'node:perf_hooks';
import { PROMPT, type TerminalPipe } from './tap.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile; NaN for no samples. */
export function percentile(xs: number[], p: number): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!;
}

export interface BulkResult {
  seconds: number;
  mbPerSecond: number;
  bytesReceived: number;
  /** Mean size of the chunks the client received (WebSocket messages, socket.io events, pipe reads). */
  meanChunkBytes: number;
  /** CPU seconds used by each sampled process during the run, scaled to 100 MB of payload. */
  cpuPer100MB: number[];
}

/**
 * Prints `payloadBytes` of 'y' (no newlines, so the pty adds nothing) followed by a marker, at a shell prompt.
 * Time runs from sending Enter to the arrival of the marker; CPU is sampled before and 300 ms after (so
 * work done once the output stops, like Porthole's idle screen-mirror parse, is counted).
 */
export async function bulkRun(pipe: TerminalPipe, payloadBytes: number, runId: number, cpu: () => number[], timeoutMs = 90_000): Promise<BulkResult> {
  await pipe.tap.waitForTail(PROMPT, 20_000);
  await pipe.tap.waitQuiet(100);
  const marker = `BULK${runId}END`;
  // The echoed command line shows BULK$((N))END; only the shell's output shows BULKNEND.
  const command = `head -c ${payloadBytes} /dev/zero | tr '\\0' y; echo; echo BULK$((${runId}))END\r`;
  const cpu0 = cpu();
  const b0 = pipe.tap.bytes;
  const c0 = pipe.tap.chunks;
  const t0 = performance.now();
  pipe.send(command);
  await pipe.tap.waitFor(() => pipe.tap.tail.includes(marker), `${pipe.name} bulk marker ${marker}`, timeoutMs);
  const seconds = (pipe.tap.lastAt - t0) / 1000;
  const bytesReceived = pipe.tap.bytes - b0;
  const meanChunkBytes = bytesReceived / (pipe.tap.chunks - c0);
  await pipe.tap.waitForTail(PROMPT, 10_000);
  await sleep(300);
  const cpu1 = cpu();
  return {
    seconds,
    mbPerSecond: payloadBytes / 1e6 / seconds,
    bytesReceived,
    meanChunkBytes,
    cpuPer100MB: cpu1.map((c, i) => ((c - cpu0[i]!) * 1e8) / payloadBytes),
  };
}

/** Puts the terminal in a quiet state where every key comes straight back: `stty raw -echo; exec cat` (cat echoes). */
export async function enterEchoMode(pipe: TerminalPipe): Promise<void> {
  await pipe.tap.waitForTail(PROMPT, 20_000);
  await pipe.tap.waitQuiet(100);
  pipe.send("stty raw -echo; echo CAT''READY; exec cat\r");
  await pipe.tap.waitForTail(/CATREADY/, 10_000);
  await pipe.tap.waitQuiet(200);
  for (let i = 0; i < 10; i++) await echoOnce(pipe);
  await pipe.tap.waitQuiet(100);
}

export interface EchoSample {
  ms: number;
  /** The first chunk back was not exactly the key (coalesced with something else). */
  odd: boolean;
}

/** One key, timed from send to the arrival of the next output chunk. */
export async function echoOnce(pipe: TerminalPipe, key = 'a'): Promise<EchoSample> {
  const arrival = pipe.tap.nextArrival(3_000);
  const t0 = performance.now();
  pipe.send(key);
  const { at, text } = await arrival;
  return { ms: at - t0, odd: text !== key };
}

/**
 * `tries` keys, one at a time, each 2-10 ms (random) after the previous echo, like separate keystrokes but not
 * in step with anybody's timers; bounded by `maxMs` in total.
 */
export async function echoSeries(pipe: TerminalPipe, tries: number, maxMs = 30_000): Promise<EchoSample[]> {
  const samples: EchoSample[] = [];
  const deadline = Date.now() + maxMs;
  for (let i = 0; i < tries && Date.now() < deadline; i++) {
    samples.push(await echoOnce(pipe));
    await sleep(2 + Math.random() * 8);
  }
  // A late extra chunk (e.g. a coalesced echo) must not be taken as the next key's echo.
  await pipe.tap.waitQuiet(20, 500);
  return samples;
}
