// What the RDP benchmark adds to the xrdp lab (test/lab/xrdp.ts, unchanged): X clients of its own in the lab's session (an
// echoing xterm for keystrokes, a scrolling xterm for the activity), the xrdp side's CPU, and a private build of the helper.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Rect } from './desktop-xvnc.js';
import { commOf, cpuSeconds, descendantPids, spawnTracked, type Tracked } from './procs.js';

const ROOT = join(import.meta.dirname, '..');

/** The lab session's X display: its Xorg (xorgxrdp) is the lab user's, with its cookie in that user's ~/.Xauthority. */
export interface SessionX {
  display: string;
  env: NodeJS.ProcessEnv;
}

export function sessionX(display: string, user: string): SessionX {
  const home = execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim().split(':')[5];
  if (!home) throw new Error(`no home directory for ${user}`);
  return { display, env: { ...process.env, DISPLAY: display, XAUTHORITY: join(home, '.Xauthority') } };
}

/** The window's rectangle once it is mapped (xwininfo). */
export async function windowRect(x: SessionX, title: string, timeoutMs = 10_000): Promise<Rect> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = spawnSync('/usr/bin/xwininfo', ['-display', x.display, '-name', title], { encoding: 'utf8', env: x.env }).stdout ?? '';
    if (/Map State: IsViewable/.test(info)) {
      const n = (label: string) => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(info)?.[1]);
      return { x: n('Absolute upper-left X'), y: n('Absolute upper-left Y'), width: n('Width'), height: n('Height') };
    }
    if (Date.now() > deadline) throw new Error(`window "${title}" did not appear on ${x.display}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An xterm that echoes what is typed (cooked tty, so Backspace erases on screen too), as in the VNC benchmark (the lab's own
 * xterm has echo off), at (440,430): below the lab xterm and inside even a 640x480 session. It lives until the session's
 * Xorg does (or the run ends).
 */
export async function startEchoXterm(x: SessionX): Promise<{ proc: Tracked; rect: Rect }> {
  const proc = spawnTracked('/usr/bin/xterm', [
    '-geometry', '24x3+440+430', '-fn', 'fixed', '-bg', 'white', '-fg', 'black', '-title', 'bench-echo',
    '-e', 'sh', '-c', 'stty echo; exec cat > /dev/null',
  ], { env: x.env });
  return { proc, rect: await windowRect(x, 'bench-echo') };
}

/**
 * The scripted activity, the same for both peers: a new 80x20 xterm at (100,100), over the lab xterm and inside even a
 * 640x480 session, scrolls `lines` lines of text, 10 lines every 50 ms (the VNC benchmark's scroll), and exits. Resolves
 * when it has (the lab xterm under it is then repainted).
 */
export async function runActivity(x: SessionX, lines: number, timeoutMs = 60_000): Promise<{ seconds: number }> {
  const script = `i=0; while [ $i -lt ${lines} ]; do i=$((i+1)); echo "line $i: the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLM"; [ $((i % 10)) -eq 0 ] && sleep 0.05; done`;
  const t0 = Date.now();
  const proc = spawnTracked('/usr/bin/xterm', [
    '-geometry', '80x20+100+100', '-fn', 'fixed', '-bg', 'black', '-fg', 'white', '-title', 'bench-scroll', '-e', 'sh', '-c', script,
  ], { env: x.env });
  const timer = setTimeout(() => void proc.stop(), timeoutMs);
  const how = await proc.exited;
  clearTimeout(timer);
  if (how !== 0) throw new Error(`the activity's xterm ended with ${how}: ${proc.output()}`);
  return { seconds: (Date.now() - t0) / 1000 };
}

/** CPU seconds of the xrdp side, per live process: every `xrdp` (listener and per-connection fork) and the session's `Xorg`. */
export function xrdpSideCpu(): Map<number, number> {
  const map = new Map<number, number>();
  for (const pid of descendantPids(process.pid)) {
    const comm = commOf(pid);
    if (comm === 'xrdp' || comm === 'Xorg') {
      const cpu = cpuSeconds(pid);
      if (Number.isFinite(cpu)) map.set(pid, cpu);
    }
  }
  return map;
}

/** Sum over the processes in `b` of what each used since `a` (a process new in `b` counts from 0). */
export function cpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of b) sum += cpu - (a.get(pid) ?? 0);
  return sum;
}

/**
 * The helper compiled from the working tree's native/rdp-helper/*.c into `outDir`, exactly as scripts/build-rdp-helper.mjs
 * compiles it (cc -O2 -Wall -Wextra, pkg-config freerdp2 freerdp-client2 winpr2), so nobody's dist/ is touched.
 */
export function buildHelper(outDir: string): { path: string; seconds: number } {
  const t0 = Date.now();
  const sourceDir = join(ROOT, 'native', 'rdp-helper');
  const sources = readdirSync(sourceDir).filter((n) => n.endsWith('.c')).sort().map((n) => join(sourceDir, n));
  const pkg = spawnSync('pkg-config', ['--cflags', '--libs', 'freerdp2', 'freerdp-client2', 'winpr2'], { encoding: 'utf8' });
  if (pkg.status !== 0) throw new Error(`pkg-config freerdp2 failed (Debian package freerdp2-dev): ${pkg.stderr}`);
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'porthole-rdp');
  const cc = spawnSync('cc', ['-O2', '-Wall', '-Wextra', '-o', path, ...sources, ...pkg.stdout.trim().split(/\s+/).filter(Boolean)], { encoding: 'utf8', timeout: 180_000 });
  if (cc.status !== 0 || !existsSync(path)) throw new Error(`compiling the RDP helper failed: ${`${cc.stdout}${cc.stderr}`.slice(-2000)}`);
  return { path, seconds: (Date.now() - t0) / 1000 };
}
