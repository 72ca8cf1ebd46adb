// The RDP benchmark's native peer: FreeRDP's own xfreerdp (freerdp2-x11) in an Xvfb of its own, watched and driven by
// bench/rdp-xprobe.py (python3 ctypes on libX11/libXtst: XGetImage of the root window, XTest keys and pointer motion).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnTracked, type Tracked } from './procs.js';
import type { Rect } from './desktop-xvnc.js';

export const XFREERDP = '/usr/bin/xfreerdp';
export const XVFB = '/usr/bin/Xvfb';
export const PYTHON = '/usr/bin/python3';
const PROBE_SCRIPT = join(import.meta.dirname, 'rdp-xprobe.py');
const TITLE = 'bench-xfreerdp';

/** Monotonic clock in ms, the same clock (CLOCK_MONOTONIC) as the probe's time.monotonic_ns(). */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

export interface Xvfb {
  display: string;
  pid: number;
  proc: Tracked;
  stop(): Promise<void>;
}

/** Xvfb on the first free display (-displayfd, never a fixed number), black root (-br) so no remote colour is there by chance. */
export async function startXvfb(width: number, height: number): Promise<Xvfb> {
  const proc = spawnTracked(XVFB, ['-displayfd', '1', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-br'], { keepStdout: true });
  const display = await new Promise<string>((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb printed no display within 10 s: ${proc.output()}`)), 10_000);
    proc.child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /^(\d+)\n/.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve(`:${match[1]}`);
      }
    });
    void proc.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${how}): ${proc.output()}`));
    });
  });
  return { display, pid: proc.pid, proc, stop: () => proc.stop() };
}

type ProbeAnswer = { ok: boolean; error?: string; polling?: boolean; at?: number; ms?: number; rgb?: number[] };

/** One long-lived python3 process on `display` (bench/rdp-xprobe.py). Requests are answered in order. */
export class XProbe {
  private readonly proc: Tracked;
  private readonly queue: string[] = [];
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(display: string) {
    this.proc = spawnTracked(PYTHON, [PROBE_SCRIPT], { env: { ...process.env, DISPLAY: display }, keepStdout: true });
    createInterface({ input: this.proc.child.stdout! }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(line);
      else this.queue.push(line);
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  private next(timeoutMs: number): Promise<ProbeAnswer> {
    return new Promise((resolve, reject) => {
      const queued = this.queue.shift();
      if (queued !== undefined) return resolve(JSON.parse(queued) as ProbeAnswer);
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(take);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new Error(`the X probe said nothing within ${timeoutMs} ms: ${this.proc.output()}`));
      }, timeoutMs);
      const take = (line: string) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as ProbeAnswer);
      };
      this.waiting.push(take);
    });
  }

  private send(request: object): void {
    this.proc.child.stdin!.write(JSON.stringify(request) + '\n');
  }

  async pixel(x: number, y: number): Promise<number[] | undefined> {
    this.send({ op: 'pixel', x, y });
    return (await this.next(5_000)).rgb;
  }

  async motion(x: number, y: number): Promise<void> {
    this.send({ op: 'motion', x: Math.round(x), y: Math.round(y) });
    const a = await this.next(5_000);
    if (!a.ok) throw new Error(`X probe motion: ${a.error}`);
  }

  /**
   * Starts polling (x, y) for `rgb` every `pollMs`; resolves once polling runs, with `seen`: the monotonic ms at which the
   * colour was first seen (or an error after `timeoutMs`).
   */
  async watchColour(x: number, y: number, rgb: readonly number[], timeoutMs: number, pollMs: number): Promise<{ seen: Promise<number> }> {
    this.send({ op: 'colour', x, y, rgb, timeoutMs, pollMs });
    const started = await this.next(5_000);
    if (!started.polling) throw new Error(`X probe colour: ${started.error}`);
    const seen = this.next(timeoutMs + 5_000).then((a) => {
      if (!a.ok || a.at === undefined) throw new Error(`the colour ${rgb.join(',')} did not show at (${x}, ${y}) within ${timeoutMs} ms (${a.error})`);
      return a.at / 1e6;
    });
    return { seen };
  }

  /** After `rect` stayed still for `quietMs` (and a random 0-`jitterMs` more), XTest press + release of `keysym`; ms to the first poll that saw `rect` change. */
  async key(keysym: string, rect: Rect, opts: { quietMs: number; jitterMs: number; timeoutMs: number; pollMs: number }): Promise<{ ms: number } | { error: string }> {
    this.send({ op: 'key', keysym, rect, ...opts });
    const a = await this.next(opts.timeoutMs * 2 + 5_000);
    return a.ok && a.ms !== undefined ? { ms: a.ms } : { error: a.error ?? '?' };
  }

  stop(): Promise<void> {
    this.proc.child.stdin!.end();
    return this.proc.stop();
  }
}

export interface XfreerdpTarget {
  port: number;
  user: string;
  password: string;
  /** SHA-256 of the certificate's DER, lowercase hex (LabXrdp.certificateFingerprint). */
  certificateFingerprint: string;
  width: number;
  height: number;
}

export interface Xfreerdp {
  pid: number;
  proc: Tracked;
  /** Monotonic ms just before the spawn. */
  spawnedAt: number;
  args: string[];
  stop(): Promise<void>;
}

/** The flags besides server, user, password and pin (the report prints them). */
export const XFREERDP_FLAGS = ['/bpp:32', '/sec:tls', '/log-level:WARN', `/t:${TITLE}`];

/**
 * xfreerdp as a person would start it: TLS pinned to the lab's certificate (/cert:deny,fingerprint:...), the password on
 * stdin (/from-stdin:force, never in argv), 32 bpp like the helper, the given size; otherwise FreeRDP's defaults.
 */
export function spawnXfreerdp(display: string, t: XfreerdpTarget): Xfreerdp {
  const colonHex = t.certificateFingerprint.match(/../g)!.join(':');
  const args = [`/v:127.0.0.1:${t.port}`, `/u:${t.user}`, '/from-stdin:force', `/size:${t.width}x${t.height}`, `/cert:deny,fingerprint:sha256:${colonHex}`, ...XFREERDP_FLAGS];
  const spawnedAt = monotonicMs();
  const proc = spawnTracked(XFREERDP, args, { env: { ...process.env, DISPLAY: display } });
  proc.child.stdin!.end(`${t.password}\n`);
  return { pid: proc.pid, proc, spawnedAt, args, stop: () => proc.stop(3_000) };
}

/** Where xfreerdp's window is on its Xvfb (no window manager: it should be +0+0, undecorated). */
export async function xfreerdpWindow(display: string, timeoutMs = 10_000): Promise<Rect> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = spawnSync('/usr/bin/xwininfo', ['-display', display, '-name', TITLE], { encoding: 'utf8' }).stdout ?? '';
    if (/Map State: IsViewable/.test(info)) {
      const n = (label: string) => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(info)?.[1]);
      return { x: n('Absolute upper-left X'), y: n('Absolute upper-left Y'), width: n('Width'), height: n('Height') };
    }
    if (Date.now() > deadline) throw new Error(`xfreerdp's window did not appear on ${display}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
