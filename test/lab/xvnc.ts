// Real VNC servers on loopback for tests: TigerVNC Xvnc (or x11vnc over Xvfb) showing a known scene.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnDaemon, waitUntilListening, type Daemon } from './processes.js';

const TOOLS: [path: string, debianPackage: string][] = [
  ['/usr/bin/Xvnc', 'tigervnc-standalone-server'],
  ['/usr/bin/vncpasswd', 'tigervnc-tools'],
  ['/usr/bin/xterm', 'xterm'],
  ['/usr/bin/xsetroot', 'x11-xserver-utils'],
  ['/usr/bin/xwininfo', 'x11-utils'],
];
const X11VNC_TOOLS: [string, string][] = [
  ['/usr/bin/x11vnc', 'x11vnc'],
  ['/usr/bin/Xvfb', 'xvfb'],
  ...TOOLS.filter(([path]) => !path.endsWith('Xvnc') && !path.endsWith('vncpasswd')),
];
const OPENSSL: [string, string] = ['/usr/bin/openssl', 'openssl'];

/** The scene every server shows: a #3366cc root window and one 80x24 xterm (6x13 font) at (100,100). */
export const SCENE = {
  root: [0x33, 0x66, 0xcc] as const,
  xtermBackground: [0xff, 0xff, 0xff] as const,
  xterm: { x: 100, y: 100, width: 484, height: 316 },
  /** First line of the xterm; a double-click at `bannerAt` selects its first word, "PORTHOLE". */
  banner: 'PORTHOLE-LAB',
  bannerAt: { x: 112, y: 108 },
} as const;

export type XvncSecurity = 'None' | 'VncAuth' | 'TLSNone' | 'TLSVnc' | 'X509None' | 'X509Vnc';

export interface XvncOptions {
  /** -SecurityTypes, in the server's order of preference. Default None. */
  security?: XvncSecurity | XvncSecurity[];
  /** For the Vnc types; random when omitted. */
  password?: string;
  /** Default 1024x768. */
  geometry?: string;
}

export interface LabVnc {
  host: '127.0.0.1';
  port: number;
  /** e.g. ':3'; for DISPLAY=... in a test's own X clients. */
  display: string;
  password: string | undefined;
  /** Everything typed into the xterm (with its Return) lands here. */
  typedFile: string;
  readTyped(): string;
  /** X509 types only: as tls.getPeerCertificate().fingerprint256 reports it. */
  certificateFingerprint256: string | undefined;
  /** Server log tail, for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

const missing = (tools: [string, string][]) => {
  const absent = tools.find(([path]) => !existsSync(path));
  return absent ? `needs the Debian package ${absent[1]} (no ${absent[0]})` : null;
};

/** Why startXvnc cannot run here (the missing Debian package), or null. */
export function xvncUnavailableReason(): string | null {
  return missing(TOOLS);
}

/** Why startX11vnc cannot run here, or null. */
export function x11vncUnavailableReason(): string | null {
  return missing(X11VNC_TOOLS);
}

export async function startXvnc(options: XvncOptions = {}): Promise<LabVnc> {
  const reason = xvncUnavailableReason();
  if (reason) throw new Error(reason);
  const security = [options.security ?? 'None'].flat();
  const dir = mkdtempSync(join(tmpdir(), 'porthole-xvnc-'));
  const needsPassword = security.some((s) => s.endsWith('Vnc') || s === 'VncAuth');
  const password = needsPassword ? (options.password ?? randomBytes(6).toString('base64url')) : undefined;
  const args = [
    '-geometry', options.geometry ?? '1024x768', '-depth', '24',
    // Loopback only, and no X11 over TCP: the VNC port is the one thing tests reach.
    '-localhost', '-interface', '127.0.0.1', '-nolisten', 'tcp',
    '-desktop', 'porthole-lab',
    '-SecurityTypes', security.join(','),
    // TigerVNC blacklists an address after 5 failed logins (lab.md): wrong-password tests would lock out the rest.
    '-BlacklistThreshold=1000000',
  ];
  if (password !== undefined) {
    const passwordFile = join(dir, 'passwd');
    writeFileSync(passwordFile, execFileSync('/usr/bin/vncpasswd', ['-f'], { input: `${password}\n` }), { mode: 0o600 });
    args.push('-rfbauth', passwordFile);
  }
  let certificateFingerprint256: string | undefined;
  if (security.some((s) => s.startsWith('X509'))) {
    const { cert, key, fingerprint256 } = selfSignedCertificate(dir);
    args.push('-X509Cert', cert, '-X509Key', key);
    certificateFingerprint256 = fingerprint256;
  }
  try {
    const server = await startDisplayServer('Xvnc', '/usr/bin/Xvnc', (port) => ['-rfbport', String(port), ...args]);
    return await withScene(server, dir, password, certificateFingerprint256);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** x11vnc (libvncserver, no password) sharing an Xvfb display with the same scene. */
export async function startX11vnc(): Promise<LabVnc> {
  const reason = x11vncUnavailableReason();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'porthole-x11vnc-'));
  const xvfb = await startDisplay('Xvfb', '/usr/bin/Xvfb', ['-screen', '0', '1024x768x24', '-nolisten', 'tcp']);
  try {
    const server = await startDisplayServer('x11vnc', '/usr/bin/x11vnc', (port) => [
      '-display', xvfb.display, '-rfbport', String(port), '-localhost', '-forever', '-shared', '-nopw', '-noxdamage',
    ], xvfb);
    return await withScene(server, dir, undefined, undefined);
  } catch (error) {
    await xvfb.daemon.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

interface DisplayServer {
  display: string;
  port: number;
  daemons: Daemon[];
}

/** An X server that picks its own free display number (-displayfd) and prints it on stdout. */
async function startDisplay(name: string, command: string, args: string[]): Promise<{ display: string; daemon: Daemon }> {
  const daemon = spawnDaemon(name, command, ['-displayfd', '1', ...args]);
  const display = await new Promise<string>((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`${name} printed no display number within 10 s; its output:\n${daemon.output()}`)), 10_000);
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
      reject(new Error(`${name} exited (${how}) before choosing a display; its output:\n${daemon.output()}`));
    });
  });
  return { display, daemon };
}

/** Starts the VNC side on a free port, retrying on a fresh port if another process took it first. */
async function startDisplayServer(
  name: string,
  command: string,
  argsFor: (port: number) => string[],
  xServer?: { display: string; daemon: Daemon },
): Promise<DisplayServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let started: { display: string; daemon: Daemon } | undefined;
    try {
      if (xServer) {
        started = { display: xServer.display, daemon: spawnDaemon(name, command, argsFor(port)) };
      } else {
        started = await startDisplay(name, command, argsFor(port));
      }
      await waitUntilListening(started.daemon, port, { greeting: /^RFB \d{3}\.\d{3}\n/ });
      return { display: started.display, port, daemons: xServer ? [started.daemon, xServer.daemon] : [started.daemon] };
    } catch (error) {
      const output = started?.daemon.output() ?? '';
      await started?.daemon.stop();
      if (!/already in use|unable to listen|Cannot bind/i.test(output) || attempt === 3) throw error;
    }
  }
}

/** Root colour with xsetroot, then the xterm whose shell writes what is typed to a file; waits until it is mapped. */
async function withScene(server: DisplayServer, dir: string, password: string | undefined, certificateFingerprint256: string | undefined): Promise<LabVnc> {
  // UTF-8 throughout, so pasted non-ASCII text reaches the file as the same bytes.
  const env = { ...process.env, DISPLAY: server.display, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  const daemons = [...server.daemons];
  const typedFile = join(dir, 'typed.txt');
  const stop = async () => {
    for (const daemon of daemons) await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    execFileSync('/usr/bin/xsetroot', ['-solid', '#3366cc'], { env });
    const xterm = spawnDaemon('xterm', '/usr/bin/xterm', [
      '-geometry', '80x24+100+100', '-fn', 'fixed', '-bg', 'white', '-fg', 'black', '-title', 'porthole-lab', '-u8',
      // The file is the shell's $1, never spliced into the command string.
      '-e', 'sh', '-c', `echo ${SCENE.banner}; stty -echo; exec cat > "$1"`, 'sh', typedFile,
    ], { env });
    daemons.unshift(xterm);
    await waitForWindow(server.display, xterm, typedFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port: server.port,
    display: server.display,
    password,
    typedFile,
    readTyped: () => (existsSync(typedFile) ? readFileSync(typedFile, 'utf8') : ''),
    certificateFingerprint256,
    output: () => daemons.map((d) => `--- ${d.name}\n${d.output()}`).join('\n'),
    stop,
  };
}

async function waitForWindow(display: string, xterm: Daemon, typedFile: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const info = spawnSync('/usr/bin/xwininfo', ['-display', display, '-name', 'porthole-lab'], { encoding: 'utf8' });
    if (/Map State: IsViewable/.test(info.stdout ?? '') && existsSync(typedFile)) return;
    if (xterm.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the lab xterm did not appear on ${display}; its output:\n${xterm.output()}${info.stderr ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function selfSignedCertificate(dir: string): { cert: string; key: string; fingerprint256: string } {
  if (!existsSync(OPENSSL[0])) throw new Error(`needs the Debian package ${OPENSSL[1]} (no ${OPENSSL[0]})`);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(OPENSSL[0], [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=porthole-lab-vnc',
  ], { stdio: 'ignore' });
  return { cert, key, fingerprint256: new X509Certificate(readFileSync(cert)).fingerprint256 };
}
