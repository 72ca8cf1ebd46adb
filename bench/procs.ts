// Child processes the benchmark starts (tracked so every one is stopped), their CPU and RSS from /proc, and its knobs from the environment.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const live = new Set<ChildProcess>();
let cleaning: Promise<void> | undefined;
const cleanups: (() => Promise<void>)[] = [];

process.on('exit', () => live.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

/** A number from the environment (a benchmark knob), or the default when it is unset. */
export function envNumber(name: string, fallback: number): number {
  return process.env[name] ? Number(process.env[name]) : fallback;
}

export interface Tracked {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | string>;
  /** Tail of stderr (and stdout, unless the caller reads stdout itself). */
  output(): string;
  stop(graceMs?: number): Promise<void>;
}

export function spawnTracked(command: string, args: string[], options: SpawnOptions & { keepStdout?: boolean } = {}): Tracked {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  live.add(child);
  let output = '';
  const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-16_384));
  child.stderr?.on('data', append);
  if (!options.keepStdout) child.stdout?.on('data', append);
  child.stdin?.on('error', () => {});
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? -1);
    });
  });
  async function stop(graceMs = 2_000): Promise<void> {
    if (!live.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  return { child, pid: child.pid, exited, output: () => output, stop };
}

/** Registers an async cleanup (e.g. stopping sshd) to run on Ctrl-C as well as at the end. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...live].map((child) => {
      child.kill('SIGTERM');
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 2_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }));
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  })();
  return cleaning;
}

/**
 * CPU time of a process in seconds: the sum of its threads' run time from /proc/PID/task/TID/schedstat
 * (nanoseconds; threads that already exited are not counted, which for the processes measured here
 * - node, ssh - loses nothing of note). NaN if the process is gone.
 */
export function cpuSeconds(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // thread ended meanwhile
      }
    }
    return ns / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size in bytes (VmRSS), or NaN if the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Pids whose parent is `pid` (e.g. the ssh clients WeTTY spawns in its ptys). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** `pid` and every process below it (children found through /proc; those that started meanwhile may be missed). */
export function descendantPids(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i]!));
  return all;
}

/** The command name (/proc/PID/comm), '' if the process is gone. */
export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Runs a benchmark's main: cleans up, then exits with its code (0 when it returns nothing). A failure, or
 * passing `limitMs`, also cleans up first and exits 1, so no daemon outlives a run.
 */
export function runBench(main: () => Promise<number | void>, options: { limitMs: number; log: (line: string) => void }): void {
  const watchdog = setTimeout(() => {
    options.log(`gave up after ${options.limitMs / 1000} s`);
    void cleanupAll().finally(() => process.exit(1));
  }, options.limitMs);
  watchdog.unref();
  main()
    .then(async (code) => {
      await cleanupAll();
      process.exit(code ?? 0);
    })
    .catch(async (err: Error) => {
      options.log(`failed: ${err.stack ?? err.message}`);
      await cleanupAll();
      process.exit(1);
    });
}
