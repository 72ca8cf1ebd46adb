// Benchmark child process: the guests watching a shared session, each a real WebSocket client that parses its output
// with xterm.js (headless) and acks what was parsed every FLOW_ACK_EVERY_BYTES, as the guest page does. They live in
// their own process so the owner's latency probe does not share an event loop with them.
// Args: JSON {url, parse: 'xterm' | 'count'}. Reads one JSON command per stdin line, answers one JSON line per command
// (commands run one at a time, in order); exits on stdin end.
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import xtermHeadless from '@xterm/headless';
import WebSocket from 'ws';
import { CSRF_HEADER } from '../shared/api-types.js';
import { FLOW_ACK_EVERY_BYTES } from '../shared/limits.js';
import type { TerminalServerMessage } from '../shared/terminal-protocol.js';

const { Terminal } = xtermHeadless;
type XTerm = InstanceType<typeof Terminal>;

const spec = JSON.parse(process.argv[2]!) as { url: string; parse: 'xterm' | 'count' };
const TAIL_CHARS = 4096;

export type ViewerCommand =
  /** Makes `count` viewers attached: opens more passes with `token` if needed, (re)connects those without a socket. */
  | { cmd: 'attach'; token: string; count: number }
  /** Closes every viewer's socket (their passes stay, like a closed tab that may come back). */
  | { cmd: 'detach' }
  /** Forgets every pass (the link is gone). */
  | { cmd: 'forget' }
  /** DELETE /api/shares/:linkId as the owner, timing each viewer's close event from just before the request. */
  | { cmd: 'revoke'; cookie: string; linkId: string }
  /**
   * Resolves once every attached viewer has parsed output containing `text`, or has parsed all it received and then got
   * nothing for `idleMs` (stranded: the gateway sends it nothing more); reports when each got there (NaN: never).
   */
  | { cmd: 'wait-for'; text: string; timeoutMs: number; idleMs: number }
  | { cmd: 'stats' };

interface Viewer {
  pass: string;
  ws: WebSocket | undefined;
  term: XTerm | undefined;
  received: number;
  parsed: number;
  unacked: number;
  resyncs: number;
  /** Parsed output, last TAIL_CHARS (latin1). */
  tail: string;
  /** performance.now() when the text waited for was first parsed. */
  seenAt: number | undefined;
  /** performance.now() of the last output received or parsed. */
  lastActivity: number;
  closed: Promise<{ code: number; reason: string; at: number }> | undefined;
}

const viewers: Viewer[] = [];
let waitingFor: string | undefined;
let wake: (() => void) | undefined;

function reply(message: object): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

async function openPass(token: string): Promise<string> {
  const res = await fetch(`${spec.url}/share/api/open`, {
    method: 'POST',
    headers: { origin: spec.url, [CSRF_HEADER]: '1', 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const body = (await res.json()) as { pass?: string; error?: unknown };
  if (res.status !== 200 || !body.pass) throw new Error(`open share: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.pass;
}

/** What happened to a chunk once the page's xterm.js parsed it: count, tail, ack every 32 KiB. */
function parsedChunk(v: Viewer, ws: WebSocket, data: Buffer): void {
  v.parsed += data.length;
  v.lastActivity = performance.now();
  v.tail = (v.tail + data.subarray(-TAIL_CHARS).toString('latin1')).slice(-TAIL_CHARS);
  if (waitingFor !== undefined && v.seenAt === undefined && v.tail.includes(waitingFor)) {
    v.seenAt = performance.now();
    wake?.();
  }
  v.unacked += data.length;
  if (v.unacked >= FLOW_ACK_EVERY_BYTES && ws.readyState === ws.OPEN) {
    ws.send(JSON.stringify({ type: 'ack', bytes: v.unacked }));
    v.unacked = 0;
  }
}

function connect(v: Viewer): Promise<void> {
  const ws = new WebSocket(`${spec.url.replace('http', 'ws')}/share/api/terminal?pass=${encodeURIComponent(v.pass)}&cols=80&rows=24`, {
    headers: { origin: spec.url },
    perMessageDeflate: false,
  });
  v.ws = ws;
  v.unacked = 0; // a new connection starts a new count on the server
  v.term?.dispose();
  v.term = spec.parse === 'xterm' ? new Terminal({ cols: 80, rows: 24, scrollback: 1000, allowProposedApi: true }) : undefined;
  const term = v.term;
  v.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: performance.now() })));
  ws.on('error', () => {});
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('guest attach timed out (no "ready" within 20 s)')), 20_000);
    let ready = false;
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        v.received += data.length;
        v.lastActivity = performance.now();
        if (term) term.write(data, () => parsedChunk(v, ws, data));
        else parsedChunk(v, ws, data);
        return;
      }
      const message = JSON.parse(data.toString()) as TerminalServerMessage;
      if (message.type === 'attached' && term) {
        if (term.cols !== message.cols || term.rows !== message.rows) term.resize(message.cols, message.rows);
        if (message.restored) term.reset();
      } else if (message.type === 'size') term?.resize(message.cols, message.rows);
      else if (message.type === 'resync') {
        v.resyncs++;
        term?.reset();
      } else if (message.type === 'stage' && message.stage === 'ready' && !ready) {
        ready = true;
        // Ready once the repaint that came before this message is parsed too.
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        if (term) term.write('', done);
        else done();
      }
    });
    void v.closed!.then(({ code, reason }) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`guest socket closed before ready: ${code} ${reason}`));
    });
  });
}

async function closeSocket(v: Viewer): Promise<void> {
  const ws = v.ws;
  if (!ws) return;
  v.ws = undefined;
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, 'bench detach');
  const timer = setTimeout(() => ws.terminate(), 2_000);
  await v.closed;
  clearTimeout(timer);
}

function newViewer(pass: string): Viewer {
  return { pass, ws: undefined, term: undefined, received: 0, parsed: 0, unacked: 0, resyncs: 0, tail: '', seenAt: undefined, lastActivity: 0, closed: undefined };
}

function summary() {
  const attached = viewers.filter((v) => v.ws?.readyState === WebSocket.OPEN);
  return {
    attached: attached.length,
    passes: viewers.length,
    received: viewers.map((v) => v.received),
    parsed: viewers.map((v) => v.parsed),
    resyncs: viewers.map((v) => v.resyncs),
    memory: process.memoryUsage().rss,
  };
}

async function run(command: ViewerCommand): Promise<object> {
  switch (command.cmd) {
    case 'attach': {
      const t0 = performance.now();
      while (viewers.length < command.count) {
        const batch = Math.min(20, command.count - viewers.length);
        const passes = await Promise.all(Array.from({ length: batch }, () => openPass(command.token)));
        viewers.push(...passes.map(newViewer));
      }
      const toConnect = viewers.slice(0, command.count).filter((v) => !v.ws);
      for (let i = 0; i < toConnect.length; i += 20) await Promise.all(toConnect.slice(i, i + 20).map(connect));
      return { type: 'attached', ms: performance.now() - t0, ...summary() };
    }
    case 'detach': {
      const t0 = performance.now();
      await Promise.all(viewers.map(closeSocket));
      return { type: 'detached', ms: performance.now() - t0, ...summary() };
    }
    case 'forget': {
      await Promise.all(viewers.map(closeSocket));
      viewers.forEach((v) => v.term?.dispose());
      viewers.length = 0;
      return { type: 'forgot' };
    }
    case 'revoke': {
      const open = viewers.filter((v) => v.ws?.readyState === WebSocket.OPEN);
      const t0 = performance.now();
      const res = await fetch(`${spec.url}/api/shares/${command.linkId}`, {
        method: 'DELETE',
        headers: { cookie: command.cookie, origin: spec.url, [CSRF_HEADER]: '1' },
      });
      const deleteMs = performance.now() - t0;
      const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000).unref());
      const closes = await Promise.all(open.map((v) => Promise.race([v.closed!, timeout])));
      open.forEach((v) => (v.ws = undefined));
      return {
        type: 'revoked',
        status: res.status,
        deleteMs,
        closeMs: closes.map((c) => (c ? c.at - t0 : Number.NaN)),
        codes: closes.map((c) => c?.code ?? 0),
        reasons: [...new Set(closes.map((c) => c?.reason ?? 'no close within 10 s'))],
      };
    }
    case 'wait-for': {
      const t0 = performance.now();
      const attached = viewers.filter((v) => v.ws?.readyState === WebSocket.OPEN);
      attached.forEach((v) => (v.seenAt = v.tail.includes(command.text) ? t0 : undefined));
      waitingFor = command.text;
      const deadline = t0 + command.timeoutMs;
      const stranded = (v: Viewer) => v.parsed === v.received && performance.now() - Math.max(v.lastActivity, t0) > command.idleMs;
      while (attached.some((v) => v.seenAt === undefined && !stranded(v)) && performance.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      waitingFor = undefined;
      wake = undefined;
      return {
        type: 'seen',
        at: attached.map((v) => (v.seenAt === undefined ? Number.NaN : v.seenAt - t0)),
        stranded: attached.filter((v) => v.seenAt === undefined && stranded(v)).length,
        ...summary(),
      };
    }
    case 'stats':
      return { type: 'stats', ...summary() };
  }
}

let chain = Promise.resolve();
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = JSON.parse(line) as ViewerCommand;
    chain = chain.then(async () => {
      try {
        reply(await run(command));
      } catch (error) {
        reply({ type: 'error', message: (error as Error).message });
      }
    });
  })
  .on('close', () => {
    void chain.then(async () => {
      const timer = setTimeout(() => process.exit(0), 3_000);
      await Promise.all(viewers.map(closeSocket)).catch(() => {});
      clearTimeout(timer);
      process.exit(0);
    });
  });
process.on('SIGTERM', () => process.exit(0));
reply({ type: 'hello', pid: process.pid });
