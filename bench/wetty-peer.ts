// WeTTY (npm) as a peer: installed into bench/.peers on demand, run against the same sshd, spoken to over socket.io like its page.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort } from '../test/lab/ports.js';
import { childPids, spawnTracked, type Tracked } from './procs.js';
import { Tap, type TerminalPipe } from './tap.js';

const PEERS = join(import.meta.dirname, '.peers');
const WETTY_MAIN = join(PEERS, 'node_modules', 'wetty', 'build', 'main.js');
const SOCKET_IO_CLIENT = join(PEERS, 'node_modules', 'socket.io-client', 'package.json');
/** WeTTY's page commits every 256 KiB it has written to xterm.js (src/client/wetty/flowcontrol.ts). */
const WETTY_ACK_BYTES = 262_144;

/** The slice of socket.io-client's Socket this file uses (its types live in bench/.peers, outside the type-check). */
interface IoSocket {
  connected: boolean;
  on(event: string, listener: (...args: never[]) => void): IoSocket;
  once(event: string, listener: (...args: never[]) => void): IoSocket;
  emit(event: string, ...args: unknown[]): IoSocket;
  disconnect(): void;
}
type Io = (url: string, options: Record<string, unknown>) => IoSocket;

/** Installs wetty and socket.io-client into bench/.peers (git-ignored) unless present; null or why it failed. */
export async function ensureWetty(log: (line: string) => void): Promise<string | null> {
  if (existsSync(WETTY_MAIN) && existsSync(SOCKET_IO_CLIENT)) return null;
  log('installing wetty + socket.io-client into bench/.peers (once, ~40 s)...');
  return new Promise((resolve) => {
    execFile('npm', ['install', '--no-audit', '--no-fund', '--prefix', PEERS, 'wetty', 'socket.io-client'], { timeout: 240_000 }, (err, _out, stderr) => {
      if (err) resolve(`npm install wetty failed: ${err.message} ${stderr.slice(-500)}`);
      else resolve(existsSync(WETTY_MAIN) ? null : 'npm install wetty did not produce build/main.js');
    });
  });
}

export interface WettyServer {
  url: string;
  pid: number;
  proc: Tracked;
  open(): Promise<WettyTerminal>;
  stop(): Promise<void>;
}

export interface WettyTerminal extends TerminalPipe {
  /** Pid of the `ssh -t` WeTTY spawned in a pty for this terminal (its CPU is WeTTY's too). */
  sshPid: number | undefined;
}

export async function startWetty(target: { port: number; user: string; keyFile: string }): Promise<WettyServer> {
  const port = await freePort();
  const proc = spawnTracked(process.execPath, [
    WETTY_MAIN, '--host', '127.0.0.1', '--port', String(port),
    '--ssh-host', '127.0.0.1', '--ssh-port', String(target.port), '--ssh-user', target.user,
    '--ssh-auth', 'publickey', '--ssh-key', target.keyFile, '--known-hosts', '/dev/null',
    '--force-ssh', // as root WeTTY would run `login` for 127.0.0.1 instead of ssh
    '--log-level', 'warn',
  ], { cwd: PEERS, env: { ...process.env, NODE_ENV: 'production' } });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${url}/socket.io/?EIO=4&transport=polling`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || proc.child.exitCode !== null) throw new Error(`wetty did not start: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const io = (createRequire(SOCKET_IO_CLIENT)('socket.io-client') as { io: Io }).io;
  return {
    url,
    pid: proc.pid,
    proc,
    open: () => openWettyTerminal(io, url, proc.pid),
    stop: () => proc.stop(),
  };
}

async function openWettyTerminal(io: Io, url: string, wettyPid: number): Promise<WettyTerminal> {
  const before = new Set(childPids(wettyPid));
  // The page lets socket.io start with polling and upgrade; websocket-only gives WeTTY its fastest path.
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true });
  const tap = new Tap();
  let uncommitted = 0;
  socket.on('data', (data: string) => {
    tap.push(data);
    uncommitted += data.length;
    while (uncommitted >= WETTY_ACK_BYTES) {
      uncommitted -= WETTY_ACK_BYTES;
      socket.emit('commit', WETTY_ACK_BYTES);
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('wetty socket.io connect timed out')), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.emit('resize', { cols: 80, rows: 24 });
      resolve();
    });
    socket.once('connect_error', (err: Error) => reject(err));
  });
  const terminal: WettyTerminal = {
    name: 'WeTTY',
    tap,
    sshPid: undefined,
    send: (text) => void socket.emit('input', text),
    async close() {
      socket.disconnect();
    },
  };
  // WeTTY spawns its ssh once the socket connects; find it for CPU accounting.
  const deadline = Date.now() + 5_000;
  while (terminal.sshPid === undefined && Date.now() < deadline) {
    terminal.sshPid = childPids(wettyPid).find((pid) => !before.has(pid) && commOf(pid) === 'ssh');
    if (terminal.sshPid === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  return terminal;
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
