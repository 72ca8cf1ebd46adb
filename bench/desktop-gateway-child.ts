// Desktop benchmark child process: one Porthole gateway serving the privately built page. desktop-peers.ts compiles this file
// with server/ and shared/ into bench/.peers/desktop/build, and it runs from there with plain node: no tsx loader thread in
// the gateway (and its VNC worker threads), as in production. Args: a JSON {webRoot}. Prints one JSON line {url, link, pid};
// then answers "loop-start" / "loop-stop" (event-loop delay and GC pauses in between, as bench/gateway-child.ts); exits on
// "quit" or stdin end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { embeddedConfig } from '../server/config/config.js';
import { startGateway } from '../server/gateway.js';
import { createLogger } from '../server/log.js';

const { webRoot } = JSON.parse(process.argv[2]!) as { webRoot: string };
const dataDir = mkdtempSync(join(tmpdir(), 'porthole-bench-desktop-'));
const gateway = await startGateway(embeddedConfig(dataDir, { detachGraceMs: 2_000 }), {
  log: createLogger({ level: process.env.PORTHOLE_LOG_LEVEL ?? 'warn', destination: process.stderr }),
  webRoot,
  // Hosts are IP literals; refuse any name so nothing can leave the machine.
  lookup: async (name) => {
    if (name === 'localhost') return '127.0.0.1';
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  },
});
const link = await gateway.newLoginLink();
process.stdout.write(JSON.stringify({ url: gateway.url, link, pid: process.pid }) + '\n');

let closing = false;
async function quit(): Promise<void> {
  if (closing) return;
  closing = true;
  const timer = setTimeout(() => process.exit(0), 3_000);
  await gateway.close().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  clearTimeout(timer);
  process.exit(0);
}

function startLoopWatch() {
  const resolutionMs = 5;
  const delay = monitorEventLoopDelay({ resolution: resolutionMs });
  delay.enable();
  const pauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((e) => e.duration)));
  gcObserver.observe({ entryTypes: ['gc'] });
  return () => {
    delay.disable();
    gcObserver.disconnect();
    // The histogram holds whole timer intervals: the delay is what exceeds the resolution.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
    return {
      loopDelayP50Ms: ms(delay.percentile(50)),
      loopDelayP99Ms: ms(delay.percentile(99)),
      loopDelayMaxMs: ms(delay.max),
      gcCount: pauses.length,
      gcTotalMs: pauses.reduce((a, b) => a + b, 0),
      gcMaxMs: Math.max(0, ...pauses),
    };
  };
}

let stopLoopWatch: ReturnType<typeof startLoopWatch> | undefined;
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line === 'loop-start') {
      stopLoopWatch = startLoopWatch();
      process.stdout.write(JSON.stringify({ type: 'loop-started' }) + '\n');
    } else if (line === 'loop-stop') {
      process.stdout.write(JSON.stringify({ type: 'loop', ...stopLoopWatch?.() }) + '\n');
      stopLoopWatch = undefined;
    } else if (line === 'quit') void quit();
  })
  .on('close', () => void quit());
process.on('SIGTERM', () => void quit());
