// Benchmark child process: one terminal streaming output at full speed (through Porthole or ssh -tt), consumed here so the
// measuring process stays idle. Args: a JSON spec. Prints {"bytes","ms"} lines every 250 ms; stops on stdin end or after 60 s.
import { performance } from 'node:perf_hooks';
import { openPortholeTerminal } from './porthole-peer.js';
import { openSshTerminal, type SshTarget } from './ssh-peer.js';
import { cleanupAll } from './procs.js';
import { PROMPT, type TerminalPipe } from './tap.js';

type Spec = { via: 'porthole'; url: string; cookie: string; hostId: string } | ({ via: 'ssh' } & SshTarget);

const STREAM_COMMAND = "timeout 60 tr '\\0' y < /dev/zero\r";
const spec = JSON.parse(process.argv[2]!) as Spec;
const pipe: TerminalPipe = spec.via === 'porthole' ? await openPortholeTerminal({ url: spec.url, cookie: spec.cookie }, spec.hostId) : openSshTerminal(spec);
await pipe.tap.waitForTail(PROMPT, 20_000);
pipe.send(STREAM_COMMAND);
const t0 = performance.now();
const start = pipe.tap.bytes;
const report = () => process.stdout.write(JSON.stringify({ bytes: pipe.tap.bytes - start, ms: performance.now() - t0 }) + '\n');
const ticker = setInterval(report, 250);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(ticker);
  report();
  const timer = setTimeout(() => process.exit(0), 4_000);
  await pipe.close().catch(() => {});
  await cleanupAll();
  clearTimeout(timer);
  process.exit(0);
}
process.stdin.on('data', () => {});
process.stdin.on('end', () => void stop());
process.on('SIGTERM', () => void stop());
setTimeout(() => void stop(), 60_000).unref();
