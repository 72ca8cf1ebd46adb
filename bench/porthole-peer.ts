// Porthole under test: the gateway as a child process, logged in over its API, and lean protocol-level terminal clients.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { CSRF_HEADER } from '../shared/api-types.js';
import { FLOW_ACK_EVERY_BYTES } from '../shared/limits.js';
import type { TerminalServerMessage } from '../shared/terminal-protocol.js';
import { spawnTracked, type Tracked } from './procs.js';
import { Tap, type TerminalPipe } from './tap.js';

const ROOT = join(import.meta.dirname, '..');

export interface LoopStats {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

export interface Login {
  url: string;
  cookie: string;
}

export interface PortholeGateway extends Login {
  pid: number;
  proc: Tracked;
  /** Memory after a forced GC, from inside the gateway process. */
  stats(): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number; sessions: number; gc: boolean }>;
  /** Starts watching the gateway's event-loop delay and GC pauses. */
  loopStart(): Promise<void>;
  loopStop(): Promise<LoopStats>;
  addKeyHost(target: { port: number; user: string; privateKey: string }): Promise<string>;
  /** Creates a session and attaches a client to it (the attach starts the SSH connection). */
  openTerminal(hostId: string): Promise<PortholeTerminal>;
  endSession(id: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `nodeArgs` go after `--import tsx`: e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile the gateway, or
 * ['--import', '/tmp/patch.ts'] to try a server change without editing server/ (BENCH_GATEWAY_NODE_ARGS in terminal.ts).
 */
export async function startPortholeGateway(nodeArgs: string[] = []): Promise<PortholeGateway> {
  const proc = spawnTracked(process.execPath, ['--expose-gc', '--import', 'tsx', ...nodeArgs, join(ROOT, 'bench', 'gateway-child.ts')], {
    cwd: ROOT,
    keepStdout: true,
  });
  const lines = createInterface({ input: proc.child.stdout! });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  const nextLine = (timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(() => reject(new Error(`gateway child said nothing within ${timeoutMs} ms; stderr: ${proc.output()}`)), timeoutMs);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const hello = JSON.parse(await nextLine(30_000)) as { url: string; link: string; pid: number };
  const login = await loginWithLink(hello.url, hello.link);
  const api = apiClient(login);
  return {
    ...login,
    pid: hello.pid,
    proc,
    async stats() {
      proc.child.stdin!.write('stats\n');
      return JSON.parse(await nextLine(10_000));
    },
    async loopStart() {
      proc.child.stdin!.write('loop-start\n');
      await nextLine(10_000);
    },
    async loopStop() {
      proc.child.stdin!.write('loop-stop\n');
      return JSON.parse(await nextLine(10_000));
    },
    async addKeyHost(target) {
      const res = await api('POST', '/api/hosts', {
        name: `bench-${target.port}`,
        address: '127.0.0.1',
        port: target.port,
        username: target.user,
        auth: { method: 'key', privateKey: target.privateKey },
      });
      if (res.status !== 201) throw new Error(`add host: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { id: string }).id;
    },
    openTerminal: (hostId) => openPortholeTerminal(login, hostId),
    async endSession(id) {
      await api('DELETE', `/api/sessions/${id}`);
    },
    async stop() {
      proc.child.stdin!.end('quit\n');
      const timer = setTimeout(() => void proc.stop(), 4_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}

export async function loginWithLink(url: string, link: string): Promise<Login> {
  const token = link.split('#')[1]!;
  const res = await fetch(`${url}/api/auth/login-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, [CSRF_HEADER]: '1' },
    body: JSON.stringify({ token }),
  });
  if (res.status !== 204) throw new Error(`login: HTTP ${res.status} ${await res.text()}`);
  return { url, cookie: res.headers.getSetCookie()[0]!.split(';')[0]! };
}

export function apiClient({ url, cookie }: Login) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { cookie, origin: url, [CSRF_HEADER]: '1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

export interface PortholeTerminal extends TerminalPipe {
  sessionId: string;
  messages: TerminalServerMessage[];
}

/**
 * The protocol as the page speaks it: binary frames are output, acknowledged every FLOW_ACK_EVERY_BYTES
 * (as the page does after xterm.js parsed them, here at once); host keys are trusted on first use.
 * Unlike test/support/terminal-client.ts it does not decode output, so the client costs little CPU.
 */
export async function openPortholeTerminal(login: Login, hostId: string, cols = 80, rows = 24): Promise<PortholeTerminal> {
  const created = await apiClient(login)('POST', '/api/sessions', { hostId });
  if (created.status !== 201) throw new Error(`open session: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  const sessionId = (created.body as { id: string }).id;
  const ws = new WebSocket(`${login.url.replace('http', 'ws')}/api/sessions/${sessionId}/terminal?cols=${cols}&rows=${rows}`, {
    headers: { cookie: login.cookie, origin: login.url },
    perMessageDeflate: false,
  });
  const tap = new Tap();
  const messages: TerminalServerMessage[] = [];
  let unacked = 0;
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      tap.push(data);
      unacked += data.length;
      if (unacked >= FLOW_ACK_EVERY_BYTES) {
        ws.send(JSON.stringify({ type: 'ack', bytes: unacked }));
        unacked = 0;
      }
      return;
    }
    const message = JSON.parse(data.toString()) as TerminalServerMessage;
    messages.push(message);
    if (message.type === 'hostkey') ws.send(JSON.stringify({ type: 'hostkey-answer', accept: true }));
    if (message.type === 'error') tap.tail += `\n[porthole error ${message.kind}: ${message.message}]`;
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('websocket open timed out')), 10_000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
  return {
    name: 'porthole',
    tap,
    sessionId,
    messages,
    send: (text) => ws.send(Buffer.from(text, 'utf8'), { binary: true }),
    async close() {
      await apiClient(login)('DELETE', `/api/sessions/${sessionId}`).catch(() => {});
      ws.close();
      const timer = setTimeout(() => ws.terminate(), 2_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
