// The desktop benchmark's VNC server: TigerVNC Xvnc (security None, 1280x800, clients may not resize it) showing the lab's
// known scene (test/lab/xvnc.ts SCENE) plus an echoing xterm for keystrokes, and the scripted scene both viewers watch.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/lab/ports.js';
import { spawnDaemon, waitUntilListening, type Daemon } from '../test/lab/processes.js';
import { SCENE } from '../test/lab/xvnc.js';

export const WIDTH = 1280;
export const HEIGHT = 800;
export const ROOT_COLOUR = '#3366cc';
/** A point that shows the root colour in the quiet scene (no window is ever there except the scene's photo). */
export const ROOT_PROBE = { x: 1240, y: 40 } as const;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BenchXvnc {
  port: number;
  display: string;
  pid: number;
  /** The echoing xterm (`stty echo; cat`): where keystrokes go and where their pixels appear. */
  echoWindow: Rect;
  dir: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Like test/lab/xvnc.ts startXvnc({ geometry: '1280x800' }) plus `-AcceptSetDesktopSize=0`: Porthole's page asks the server
 * to take the browser's size on connect, which would change the scene between peers (and vncconfig cannot turn that
 * parameter off at run time). Porthole then scales, as it does for any server that cannot resize.
 */
export async function startBenchXvnc(): Promise<BenchXvnc> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-bench-xvnc-'));
  const daemons: Daemon[] = [];
  const stop = async () => {
    for (const d of [...daemons].reverse()) await d.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let server: { daemon: Daemon; display: string; port: number } | undefined;
    for (let attempt = 1; !server; attempt++) {
      const port = await freePort();
      const daemon = spawnDaemon('Xvnc', '/usr/bin/Xvnc', [
        '-displayfd', '1', '-rfbport', String(port),
        '-geometry', `${WIDTH}x${HEIGHT}`, '-depth', '24',
        '-localhost', '-interface', '127.0.0.1', '-nolisten', 'tcp', '-desktop', 'porthole-bench',
        '-SecurityTypes', 'None', '-AcceptSetDesktopSize=0', '-AlwaysShared',
      ]);
      try {
        const display = await displayOf(daemon);
        await waitUntilListening(daemon, port, { greeting: /^RFB \d{3}\.\d{3}\n/ });
        daemons.push(daemon);
        server = { daemon, display, port };
      } catch (error) {
        await daemon.stop();
        if (attempt === 3 || !/already in use|unable to listen|Cannot bind/i.test(daemon.output())) throw error;
      }
    }
    const env = { ...process.env, DISPLAY: server.display };
    execFileSync('/usr/bin/xsetroot', ['-solid', ROOT_COLOUR], { env });
    // The lab's scene: the same 80x24 xterm with its banner at (100,100) (no typed-text file: nothing reads it here).
    daemons.push(spawnDaemon('xterm', '/usr/bin/xterm', [
      '-geometry', `80x24+${SCENE.xterm.x}+${SCENE.xterm.y}`, '-fn', 'fixed', '-bg', 'white', '-fg', 'black', '-title', 'porthole-lab',
      '-e', 'sh', '-c', `echo ${SCENE.banner}; stty -echo; exec cat > /dev/null`,
    ], { env }));
    await windowRect(server.display, 'porthole-lab');
    // The lab xterm has echo off; this one echoes what is typed (cooked tty, so Backspace erases on screen too).
    daemons.push(spawnDaemon('xterm', '/usr/bin/xterm', [
      '-geometry', '24x3+760+100', '-fn', 'fixed', '-bg', 'white', '-fg', 'black', '-title', 'bench-echo',
      '-e', 'sh', '-c', 'stty echo; exec cat > /dev/null',
    ], { env }));
    const echoWindow = await windowRect(server.display, 'bench-echo');
    return {
      port: server.port,
      display: server.display,
      pid: server.daemon.child.pid!,
      echoWindow,
      dir,
      output: () => daemons.map((d) => `--- ${d.name}\n${d.output()}`).join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function displayOf(daemon: Daemon): Promise<string> {
  return new Promise((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`Xvnc printed no display number within 10 s:\n${daemon.output()}`)), 10_000);
    daemon.child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /^(\d+)\n/.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve(`:${match[1]}`);
      }
    });
    void daemon.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`Xvnc exited (${how}) before choosing a display:\n${daemon.output()}`));
    });
  });
}

/** The window's rectangle on the screen once it is mapped (xwininfo). */
export async function windowRect(display: string, title: string, timeoutMs = 10_000): Promise<Rect> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = spawnSync('/usr/bin/xwininfo', ['-display', display, '-name', title], { encoding: 'utf8' }).stdout ?? '';
    if (/Map State: IsViewable/.test(info)) {
      const n = (label: string) => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(info)?.[1]);
      return { x: n('Absolute upper-left X'), y: n('Absolute upper-left Y'), width: n('Width'), height: n('Height') };
    }
    if (Date.now() > deadline) throw new Error(`window "${title}" did not appear on ${display}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Scene {
  /** Photo-like 1280x800 image (netpbm's ppmforge planet with stars, seed 42) as XWD for xwud. */
  photo: string;
  /** The shell script the scene's xterm runs. */
  script: string;
  lines: number;
}

/**
 * The scripted scene, the same for both viewers: (a) a new 80x20 xterm scrolls `lines` lines of text, 10 lines every 50 ms
 * (~10 s); (b) a full-screen photo-like image appears over everything (xwud, 2 s) and goes, then the root turns another
 * colour (1 s) and back. The xterm exits at the end: the scene is over when its process is.
 */
export function prepareScene(dir: string, lines: number): Scene {
  const ppm = join(dir, 'photo.ppm');
  const photo = join(dir, 'photo.xwd');
  writeFileSync(ppm, execFileSync('/usr/bin/ppmforge', ['-width', String(WIDTH), '-height', String(HEIGHT), '-seed', '42'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }));
  writeFileSync(photo, execFileSync('/usr/bin/pnmtoxwd', [ppm], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }));
  const script = [
    `i=0; while [ $i -lt ${lines} ]; do i=$((i+1)); echo "line $i: the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLM"; [ $((i % 10)) -eq 0 ] && sleep 0.05; done`,
    // "$1" is the photo: never spliced into the script.
    'xwud -in "$1" -geometry +0+0 & p=$!; sleep 2; kill $p; wait $p 2>/dev/null',
    "sleep 0.5; xsetroot -solid '#cc6633'; sleep 1; xsetroot -solid '" + ROOT_COLOUR + "'; sleep 0.5",
  ].join('\n');
  return { photo, script, lines };
}

/** Starts the scene on `display`; resolves when it is over (bounded by `timeoutMs`). */
export async function runScene(display: string, scene: Scene, timeoutMs = 60_000): Promise<{ seconds: number }> {
  const t0 = Date.now();
  const xterm = spawnDaemon('xterm', '/usr/bin/xterm', [
    '-geometry', '80x20+100+440', '-fn', 'fixed', '-bg', 'black', '-fg', 'white', '-title', 'bench-scroll',
    '-e', 'sh', '-c', scene.script, 'sh', scene.photo,
  ], { env: { ...process.env, DISPLAY: display } });
  const timer = setTimeout(() => void xterm.stop(), timeoutMs);
  const how = await xterm.exited;
  clearTimeout(timer);
  if (how !== 0) throw new Error(`the scene's xterm ended with ${how}: ${xterm.output()}`);
  return { seconds: (Date.now() - t0) / 1000 };
}
