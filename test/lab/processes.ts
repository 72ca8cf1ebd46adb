// Lab daemons as child processes: spawn, keep their output for error messages, wait until listening, stop.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { connect } from 'node:net';

const OUTPUT_LIMIT = 64 * 1024;

export interface Daemon {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the process is gone (exit code, or the signal that ended it). */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** The tail of its stdout and stderr, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

// One registry per process even if vitest evaluates this module more than once: a test that fails
// before its afterAll must not leave daemons holding ports behind it.
const registryKey = Symbol.for('porthole.lab.daemons');
const globals = globalThis as typeof globalThis & { [registryKey]?: Set<ChildProcess> };
const live = (globals[registryKey] ??= (() => {
  const set = new Set<ChildProcess>();
  process.on('exit', () => set.forEach((child) => child.kill('SIGKILL')));
  return set;
})());

export function spawnDaemon(name: string, command: string, args: string[], options: SpawnOptions = {}): Daemon {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const append = (chunk: Buffer | string) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('error', (error) => {
      append(`${name}: ${error.message}\n`);
      live.delete(child);
      resolve(-1);
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? -1);
    });
  });

  async function stop(graceMs = 2_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || !live.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  return { name, child, exited, output: () => output, stop };
}

export interface WaitOptions {
  host?: string;
  timeoutMs?: number;
  /** Also wait for the server's first bytes to match (e.g. the SSH banner), not just the accept. */
  greeting?: RegExp;
}

/** Resolves once `port` accepts (and greets); rejects with the daemon's output if it exits or times out. */
export async function waitUntilListening(daemon: Daemon, port: number, options: WaitOptions = {}): Promise<void> {
  const { host = '127.0.0.1', timeoutMs = 10_000, greeting } = options;
  const where = `${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  let gone: number | NodeJS.Signals | undefined;
  void daemon.exited.then((how) => (gone = how));
  for (;;) {
    if (gone !== undefined) {
      throw new Error(`${daemon.name} exited (${gone}) before listening on ${where}; its output:\n${daemon.output()}`);
    }
    if (await probe(host, port, greeting, Math.max(deadline - Date.now(), 50))) return;
    if (Date.now() > deadline) {
      throw new Error(`${daemon.name} did not ${greeting ? `greet with ${greeting}` : 'accept'} on ${where} within ${timeoutMs} ms; its output:\n${daemon.output()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function probe(host: string, port: number, greeting: RegExp | undefined, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    socket.once('connect', () => greeting === undefined && done(true));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (greeting?.test(received)) done(true);
    });
    socket.once('close', () => done(false));
  });
}
