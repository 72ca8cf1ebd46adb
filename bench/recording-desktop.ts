// The recording benchmark's desktop side: the scripted "typical" activity, a lean Guacamole viewer and a byte-counting RFB relay.
import { createServer, connect, type Server, type Socket } from 'node:net';
import WebSocket from 'ws';
import { spawnDaemon, type Daemon } from '../test/lab/processes.js';
import type { Login } from './porthole-peer.js';

/** Where the activity's xterm starts (and where its drags start and end): right of the lab xterm, over its top-right corner. */
const START = { x: 560, y: 260 };

/**
 * The activity, one cycle of about 55 s repeated until the benchmark stops the xterm. A person at a shell: commands typed at
 * ~8 keys/s (0.12 s per key, each echoed), each followed by its output; a drag of the window by its title bar (12 moves of
 * (-20,+2) px, 40 ms apart: what a window manager does while dragging); a resize to 100x30 and back; idle stretches of 10 s
 * and 15 s. Windows move through xterm's own window ops (CSI 3;x;y t, CSI 8;rows;cols t; allowed by -xrm): there is no window
 * manager on the lab display. Outputs are the same on every run (file listings), so the "on" and "off" runs show the same.
 */
export const ACTIVITY_SCRIPT = [
  // $1 is typed key by key, then run. ${s#?} drops the first character; ${s%"$r"} is that character.
  `say() { printf '$ '; s=$1; while [ -n "$s" ]; do r=\${s#?}; printf '%s' "\${s%"$r"}"; s=$r; sleep 0.12; done; printf '\\n'; sh -c "$1"; }`,
  `drag() { x=$1; y=$2; i=0; while [ $i -lt $5 ]; do i=$((i+1)); x=$((x+$3)); y=$((y+$4)); printf '\\033[3;%d;%dt' $x $y; sleep 0.04; done; }`,
  'while :; do',
  "  say 'ls -l /usr/bin | head -n 40'; sleep 4",
  "  say 'head -n 60 /etc/services'; sleep 3",
  `  drag ${START.x} ${START.y} -20 2 12; sleep 10`,
  "  say 'ls -la /etc | head -n 50'; sleep 2",
  "  printf '\\033[8;30;100t'; sleep 5",
  "  say 'df -h'; sleep 3",
  "  printf '\\033[8;24;80t'",
  `  drag ${START.x - 240} ${START.y + 24} 20 -2 12; sleep 15`,
  'done',
].join('\n');

/** The description the report prints for the activity (kept beside the script so the two agree). */
export const ACTIVITY_TEXT =
  'a new 80x24 xterm (DejaVu Sans Mono 10 pt, anti-aliased, black on white) at (560,260) on the lab scene (#3366cc root, the lab ' +
  'xterm at (100,100), a small echo xterm); its shell repeats a ~55 s cycle: type `ls -l /usr/bin | head -n 40` at 8 keys/s, ' +
  'output, 4 s pause; type `head -n 60 /etc/services`, output, 3 s; drag the window 240 px left and 24 px down (12 steps, 40 ms ' +
  'apart), 10 s idle; type `ls -la /etc | head -n 50`, 2 s; resize to 100x30, 5 s; type `df -h`, 3 s; resize back to 80x24, drag ' +
  'back (12 steps), 15 s idle. The xterm is closed when the activity time is up.';

/** Starts the activity's xterm on `display`; stop() closes it (the window goes, which the viewers see too). */
export function startActivity(display: string): Daemon {
  return spawnDaemon('activity-xterm', '/usr/bin/xterm', [
    '-geometry', `80x24+${START.x}+${START.y}`, '-fa', 'DejaVu Sans Mono', '-fs', '10', '-bg', 'white', '-fg', 'black',
    '-title', 'bench-activity', '-xrm', 'XTerm*allowWindowOps: true',
    '-e', 'sh', '-c', ACTIVITY_SCRIPT,
  ], { env: { ...process.env, DISPLAY: display, LANG: 'C.UTF-8' } });
}

/**
 * Walks a Guacamole instruction stream (LENGTH.VALUE elements, ',' between, ';' after each instruction); calls `each` with
 * the opcode and the offsets of its elements; returns the number of instructions. Throws at the first malformed element, and
 * when the text ends mid-instruction. Lengths count characters: the streams here are ASCII (the recorder writes ASCII only).
 */
export function walkInstructions(text: string, each?: (opcode: string, elements: string[]) => void): number {
  let pos = 0;
  let count = 0;
  while (pos < text.length) {
    const elements: string[] = [];
    for (;;) {
      const dot = text.indexOf('.', pos);
      const length = dot > pos && dot - pos <= 10 ? Number(text.slice(pos, dot)) : Number.NaN;
      if (!Number.isInteger(length)) throw new Error(`bad element length at offset ${pos}`);
      const end = dot + 1 + length;
      if (end >= text.length) throw new Error(`instruction cut off at offset ${pos}`);
      // Only the opcode and short arguments are kept: image data can be long and is never needed here.
      elements.push(length <= 64 ? text.slice(dot + 1, end) : '');
      pos = end + 1;
      if (text[end] === ';') break;
      if (text[end] !== ',') throw new Error(`expected "," or ";" at offset ${end}`);
    }
    count++;
    each?.(elements[0]!, elements);
  }
  return count;
}

export interface GuacViewer {
  /** Payload bytes received (text frames, UTF-8), and messages. */
  bytes: number;
  messages: number;
  /** Frames: syncs received (each echoed at once, like a browser that draws immediately). */
  syncs: number;
  /** Instructions received, by opcode (img, copy, ...): how the frames were drawn. */
  opcodes: Map<string, number>;
  firstSync: Promise<void>;
  close(): Promise<void>;
}

/**
 * One desktop viewer at the protocol level, like test/support/guac-client.ts but keeping nothing: counts what it receives and
 * echoes every sync at once (a browser that draws at once: the most frames the gateway will send), so it costs the
 * benchmark process little.
 */
export async function openGuacViewer(login: Login, sessionId: string, width: number, height: number): Promise<GuacViewer> {
  const ws = new WebSocket(`${login.url.replace('http', 'ws')}/api/sessions/${sessionId}/desktop?width=${width}&height=${height}`, 'guacamole', {
    headers: { cookie: login.cookie, origin: login.url },
    perMessageDeflate: false,
  });
  let firstSync!: () => void;
  const viewer: GuacViewer = { bytes: 0, messages: 0, syncs: 0, opcodes: new Map(), firstSync: new Promise<void>((r) => (firstSync = r)), close: async () => {} };
  ws.on('message', (data: Buffer) => {
    viewer.bytes += data.length;
    viewer.messages++;
    walkInstructions(data.toString('latin1'), (opcode, elements) => {
      viewer.opcodes.set(opcode, (viewer.opcodes.get(opcode) ?? 0) + 1);
      if (opcode !== 'sync') return;
      viewer.syncs++;
      ws.send(`4.sync,${elements[1]!.length}.${elements[1]};`);
      firstSync();
    });
  });
  ws.on('error', () => {});
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('desktop websocket open timed out')), 10_000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`desktop upgrade refused: HTTP ${res.statusCode}`)));
  });
  viewer.close = async () => {
    ws.close();
    const timer = setTimeout(() => ws.terminate(), 2_000);
    await closed;
    clearTimeout(timer);
  };
  return viewer;
}

export interface CountingRelay {
  port: number;
  /** RFB bytes from the VNC server to the gateway, and from the gateway to the server. */
  fromServer: number;
  toServer: number;
  close(): Promise<void>;
}

/** A TCP relay in this process (127.0.0.1:port -> 127.0.0.1:targetPort) that counts bytes each way: the RFB traffic. */
export async function startCountingRelay(targetPort: number): Promise<CountingRelay> {
  const sockets = new Set<Socket>();
  const relay: CountingRelay = { port: 0, fromServer: 0, toServer: 0, close: async () => {} };
  const server: Server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    }
    upstream.on('data', (chunk: Buffer) => (relay.fromServer += chunk.length));
    client.on('data', (chunk: Buffer) => (relay.toServer += chunk.length));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  relay.port = typeof address === 'object' && address ? address.port : 0;
  relay.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return relay;
}
