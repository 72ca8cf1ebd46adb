// A real xrdp 0.9 on loopback for tests: xrdp + xrdp-sesman with their own configs, Xorg sessions (xorgxrdp)
// for the porthole-lab user that show the SCENE of xvnc.ts.
//
// Isolation, so test files can run xrdp labs in parallel:
// - xrdp 0.9 finds sesman at the ListenPort of the hard-coded /etc/xrdp/sesman.ini, whatever -c says
//   (xrdp_mm_get_sesman_port). Each daemon therefore runs in its own mount namespace (unshare) where our
//   sesman.ini copy is bind-mounted over that path; the real file is never touched.
// - Each lab claims a block of X display numbers (X11DisplayOffset) no other lab uses.
// - Each daemon is PID 1 of its own PID namespace: when it exits, the kernel ends every session process it
//   started (Xorg, chansrv, the xterm), so a crashed test leaves no session behind.
import { execFileSync } from 'node:child_process';
import { ensureLabAccount, LAB_LOCK, LAB_USER, withLock } from './lab-user.js';
import { X509Certificate } from 'node:crypto';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync,
  statSync, writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnDaemon, waitUntilListening, type Daemon } from './processes.js';
import { SCENE } from './xvnc.js';

const XRDP = '/usr/sbin/xrdp';
const SESMAN = '/usr/sbin/xrdp-sesman';
const UNSHARE = '/usr/bin/unshare';
const SETPRIV = '/usr/bin/setpriv';
const OPENSSL = '/usr/bin/openssl';
const SYSTEM_XRDP_INI = '/etc/xrdp/xrdp.ini';
const SYSTEM_SESMAN_INI = '/etc/xrdp/sesman.ini';
const SOCKSETUP = '/usr/share/xrdp/socksetup';
const SOCKDIR = '/run/xrdp/sockdir';

const TOOLS: [path: string, debianPackage: string][] = [
  [XRDP, 'xrdp'],
  [SESMAN, 'xrdp'],
  [SYSTEM_XRDP_INI, 'xrdp'],
  [SYSTEM_SESMAN_INI, 'xrdp'],
  [SOCKSETUP, 'xrdp'],
  ['/usr/lib/xorg/modules/drivers/xrdpdev_drv.so', 'xorgxrdp'],
  ['/usr/lib/xorg/Xorg', 'xserver-xorg-core'],
  ['/usr/bin/xterm', 'xterm'],
  ['/usr/bin/xsetroot', 'x11-xserver-utils'],
  [OPENSSL, 'openssl'],
  [UNSHARE, 'util-linux'],
  [SETPRIV, 'util-linux'],
];
const XVNC_TOOLS: [string, string][] = [['/usr/bin/Xvnc', 'tigervnc-standalone-server']];


// Display blocks: 100-109, 110-119, ... 990-999. Xvnc/Xvfb fixtures pick theirs with -displayfd from 0 upwards.
const DISPLAY_CLAIMS = '/var/tmp/porthole-lab-xrdp-displays';
const FIRST_OFFSET = 100;
const BLOCKS = 90;
const DISPLAYS_PER_LAB = 10;

export type XrdpSecurity = 'tls' | 'rdp' | 'negotiate';

export interface XrdpOptions {
  /** xrdp.ini security_layer. Default 'negotiate' (xrdp's own default; FreeRDP then picks TLS). NLA never: xrdp 0.9 has no CredSSP. */
  security?: XrdpSecurity;
  /**
   * xrdp.ini crypt_level, used by 'rdp' security only. Default 'fips' for 'rdp' (with FreeRDP 2.11.7 the RC4 levels
   * low/medium/high fail here: xrdp logs "MAC checksum error for non-FIPS PDU" and drops the client), else 'high'.
   */
  cryptLevel?: 'low' | 'medium' | 'high' | 'fips';
  /** Session backend. Default 'xorg' (xorgxrdp); 'xvnc' runs TigerVNC Xvnc behind xrdp's VNC module. */
  backend?: 'xorg' | 'xvnc';
  /** The desktop size clients should ask for (default 1024x768). xrdp sizes each session from the client's request. */
  width?: number;
  height?: number;
}

export interface LabXrdp {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  security: XrdpSecurity;
  width: number;
  height: number;
  /** SHA-256 of the certificate's DER, lowercase hex without separators. */
  certificateFingerprint: string;
  /** Everything typed into the session's xterm (with its Return) lands here. Focus follows the pointer (no window manager). */
  typedFile: string;
  typed(): string;
  /** AUTHFAIL lines in sesman.log: xrdp reports a wrong password only there (and in a dialog), ~2-3 s after the attempt. */
  authFailures(): number;
  /** X displays (e.g. ':100') on which sesman started a session, oldest first. */
  sessions(): string[];
  sesmanLog(): string;
  xrdpLog(): string;
  /** Daemon output (stdout/stderr of xrdp and sesman, including Xorg's), for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Why startXrdp cannot run here (a missing Debian package or root), or null. */
export function xrdpUnavailableReason(options: Pick<XrdpOptions, 'backend'> = {}): string | null {
  const tools = options.backend === 'xvnc' ? [...TOOLS, ...XVNC_TOOLS] : TOOLS;
  const absent = tools.find(([path]) => !existsSync(path));
  if (absent) return `needs the Debian package ${absent[1]} (no ${absent[0]})`;
  if (process.getuid?.() !== 0) return 'needs root (to create the porthole-lab user, bind-mount sesman.ini and run xrdp-sesman)';
  return null;
}

export async function startXrdp(options: XrdpOptions = {}): Promise<LabXrdp> {
  const reason = xrdpUnavailableReason(options);
  if (reason) throw new Error(reason);
  const security = options.security ?? 'negotiate';
  const backend = options.backend ?? 'xorg';
  const cryptLevel = options.cryptLevel ?? (security === 'rdp' ? 'fips' : 'high');
  const width = options.width ?? 1024;
  const height = options.height ?? 768;
  // The same account, home, password file and lock as sshd.ts: one lab user per machine, whichever fixture made it.
  const user = await withLock(LAB_LOCK, ensureLabAccount);
  execFileSync('/bin/sh', [SOCKSETUP]); // /run/xrdp/sockdir, where Xorg and chansrv put their sockets

  // Root-owned and world-readable (sesman runs the session script as the user); the key alone is 0600.
  const dir = mkdtempSync(join(tmpdir(), 'porthole-xrdp-'));
  chmodSync(dir, 0o755);
  // The user's own corner: the typed file and Xorg's log.
  const sessionDir = join(dir, 'session');
  mkdirSync(sessionDir, { mode: 0o755 });
  chownSync(sessionDir, user.uid, user.gid);
  const typedFile = join(sessionDir, 'typed.txt');

  const daemons: Daemon[] = [];
  let claim: DisplayClaim | undefined;
  const cleanup = async () => {
    for (const daemon of daemons.reverse()) await stopNamespaced(daemon);
    daemons.length = 0;
    if (claim) {
      clearDisplays(claim.offset, user.uid);
      claim.release();
      claim = undefined;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const { certificate, key, fingerprint } = selfSignedCertificate(dir);
    const startwm = join(dir, 'startwm.sh');
    writeFileSync(startwm, sceneScript(typedFile), { mode: 0o755 });
    claim = await claimDisplays(user.uid);
    const sesmanIni = join(dir, 'sesman.ini');
    const xrdpIni = join(dir, 'xrdp.ini');

    // sesman first: xrdp only dials it when a client logs in, but a lab that accepts RDP should also log in.
    const sesmanHost = (await loopbackV6Available()) ? '::1' : '127.0.0.1';
    for (let attempt = 1; ; attempt++) {
      const sesmanPort = await freePort(sesmanHost);
      writeFileSync(sesmanIni, sesmanConfig({ dir, sessionDir, startwm, sesmanPort, displayOffset: claim.offset }));
      const sesman = spawnNamespaced('xrdp-sesman', SESMAN, ['--nodaemon', '--config', sesmanIni], sesmanIni);
      try {
        // sesman binds [::1] even when told ListenAddress=127.0.0.1 (lab.md); xrdp's connect to 127.0.0.1 still reaches it.
        await waitUntilListening(sesman, sesmanPort, { host: sesmanHost });
        daemons.push(sesman);
        break;
      } catch (error) {
        await stopNamespaced(sesman);
        const log = readIfExists(join(dir, 'sesman.log'));
        if (!/in use|bind/i.test(sesman.output() + log) || attempt === 3) throw withLog(error, 'sesman.log', log);
      }
    }
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      writeFileSync(xrdpIni, xrdpConfig({ dir, port, security, cryptLevel, backend, certificate, key }));
      const xrdp = spawnNamespaced('xrdp', XRDP, ['--nodaemon', '--config', xrdpIni], sesmanIni);
      try {
        await waitUntilListening(xrdp, port); // RDP servers wait for the client's X.224 request: no greeting to match
        daemons.push(xrdp);
        break;
      } catch (error) {
        await stopNamespaced(xrdp);
        const log = readIfExists(join(dir, 'xrdp.log'));
        if (!/in use|bind/i.test(xrdp.output() + log) || attempt === 3) throw withLog(error, 'xrdp.log', log);
      }
    }

    const sesmanLog = () => readIfExists(join(dir, 'sesman.log'));
    let stopped = false;
    return {
      host: '127.0.0.1',
      port,
      user: LAB_USER,
      password: user.password,
      security,
      width,
      height,
      certificateFingerprint: fingerprint,
      typedFile,
      typed: () => readIfExists(typedFile),
      authFailures: () => sesmanLog().split('\n').filter((line) => line.includes('AUTHFAIL')).length,
      sessions: () => [...sesmanLog().matchAll(/Session started successfully for user \S+ on display (\d+)/g)].map((m) => `:${m[1]}`),
      sesmanLog,
      xrdpLog: () => readIfExists(join(dir, 'xrdp.log')),
      output: () => daemons.map((d) => `--- ${d.name}\n${d.output()}`).join('\n'),
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The session: xvnc.ts's SCENE (root colour, white xterm at the same place), the xterm's input going to `typedFile`. */
function sceneScript(typedFile: string): string {
  const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const { x, y } = SCENE.xterm;
  return [
    '#!/bin/sh',
    '# Porthole lab xrdp session (test/lab/xrdp.ts). UTF-8 throughout so typed non-ASCII reaches the file as the same bytes.',
    'export LANG=C.UTF-8 LC_ALL=C.UTF-8',
    `xsetroot -solid '${hex(SCENE.root)}'`,
    // selectToClipboard: xrdp's chansrv syncs CLIPBOARD (not PRIMARY), so selecting and middle-click pasting use it.
    `xterm -geometry 80x24+${x}+${y} -fn fixed -bg '${hex(SCENE.xtermBackground)}' -fg black -title porthole-lab -u8 -xrm 'XTerm*selectToClipboard: true' \\`,
    // The file is the inner shell's $1, never spliced into its command string.
    `  -e sh -c 'echo ${SCENE.banner}; stty -echo; exec cat >> "$1"' sh '${typedFile}' &`,
    // The session lasts as long as this script: keep it alive even if the xterm goes (e.g. a test types Ctrl+D).
    'exec sleep infinity',
    '',
  ].join('\n');
}

function sesmanConfig(c: { dir: string; sessionDir: string; startwm: string; sesmanPort: number; displayOffset: number }): string {
  let ini = readFileSync(SYSTEM_SESMAN_INI, 'utf8');
  const set = (section: string, key: string, value: string) => (ini = setIni(ini, section, key, value));
  set('Globals', 'ListenAddress', '127.0.0.1');
  set('Globals', 'ListenPort', String(c.sesmanPort));
  // Our script, not ~/startwm.sh: labs running in parallel share the user's home.
  set('Globals', 'EnableUserWindowManager', 'false');
  set('Globals', 'DefaultWindowManager', c.startwm);
  set('Sessions', 'X11DisplayOffset', String(c.displayOffset));
  set('Sessions', 'MaxSessions', String(DISPLAYS_PER_LAB));
  set('Security', 'MaxLoginRetry', '1000'); // wrong-password tests must not lock anyone out
  set('Logging', 'LogFile', join(c.dir, 'sesman.log'));
  set('Logging', 'EnableSyslog', 'false');
  set('ChansrvLogging', 'EnableSyslog', 'false');
  // chansrv would FUSE-mount ~/thinclient_drives: shared home again, and no FUSE in most containers.
  set('Chansrv', 'EnableFuseMount', 'false');
  // Xorg's log beside the lab instead of ~/.xorgxrdp.N.log.
  return ini.replace(/^param=\.xorgxrdp\.%s\.log$/m, `param=${join(c.sessionDir, 'xorg.%s.log')}`);
}

function xrdpConfig(c: {
  dir: string; port: number; security: XrdpSecurity; cryptLevel: string; backend: 'xorg' | 'xvnc'; certificate: string; key: string;
}): string {
  let ini = readFileSync(SYSTEM_XRDP_INI, 'utf8');
  const set = (section: string, key: string, value: string) => (ini = setIni(ini, section, key, value));
  set('Globals', 'port', `tcp://127.0.0.1:${c.port}`);
  set('Globals', 'security_layer', c.security);
  set('Globals', 'crypt_level', c.cryptLevel);
  set('Globals', 'certificate', c.certificate);
  set('Globals', 'key_file', c.key);
  // Log in with the client's credentials straight into this backend (no module list on the login screen).
  set('Globals', 'autorun', c.backend === 'xvnc' ? 'Xvnc' : 'Xorg');
  set('Logging', 'LogFile', join(c.dir, 'xrdp.log'));
  set('Logging', 'EnableSyslog', 'false');
  return ini;
}

/** Sets `key=value` in `[section]` of an xrdp-style ini: replaces the first live line for the key, else adds one. */
function setIni(ini: string, section: string, key: string, value: string): string {
  const lines = ini.split('\n');
  const header = lines.findIndex((line) => line.trim() === `[${section}]`);
  if (header < 0) return `${ini.replace(/\n*$/, '')}\n\n[${section}]\n${key}=${value}\n`;
  let end = lines.findIndex((line, i) => i > header && /^\s*\[/.test(line));
  if (end < 0) end = lines.length;
  const keyLine = new RegExp(`^\\s*${key}\\s*=`, 'i');
  const existing = lines.findIndex((line, i) => i > header && i < end && keyLine.test(line));
  if (existing >= 0) lines[existing] = `${key}=${value}`;
  else lines.splice(header + 1, 0, `${key}=${value}`);
  return lines.join('\n');
}

/**
 * `command` as PID 1 of a fresh PID namespace, in a mount namespace where `sesmanIni` covers /etc/xrdp/sesman.ini.
 * The Daemon is unshare itself. If it dies (the process-exit SIGKILL of processes.ts, or SIGKILL from setpriv's
 * parent-death signal when the test process itself is killed), --kill-child hands SIGTERM to the inner process, and
 * the kernel ends the rest of the namespace when that one exits.
 */
function spawnNamespaced(name: string, command: string, args: string[], sesmanIni: string): Daemon {
  return spawnDaemon(name, SETPRIV, [
    '--pdeathsig', 'SIGKILL', '--', UNSHARE, '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child=SIGTERM', '--mount-proc', '--',
    '/bin/sh', '-c', 'mount --bind "$0" /etc/xrdp/sesman.ini && exec "$@"', sesmanIni, command, ...args,
  ]);
}

/**
 * Stops a spawnNamespaced daemon: SIGTERM to its session processes first (so Xorg removes its lock and socket), then
 * to the daemon itself (unshare waits for it and ignores SIGTERM), then to unshare if anything is left.
 */
async function stopNamespaced(daemon: Daemon, graceMs = 3_000): Promise<void> {
  const unsharePid = daemon.child.pid; // setpriv execs unshare: same process
  const inner = unsharePid === undefined ? undefined : childPids(unsharePid)[0];
  if (inner !== undefined) {
    const members = namespaceMembers(inner).filter((pid) => pid !== inner);
    signal(members, 'SIGTERM');
    await waitGone(members, graceMs);
    signal(members, 'SIGKILL');
    signal([inner], 'SIGTERM');
    await Promise.race([daemon.exited, new Promise((r) => setTimeout(r, graceMs))]);
  }
  await daemon.stop();
}

function procEntries(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** Parent pid and state from /proc/PID/stat (the command name may contain spaces and parentheses). */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state: state ?? '' };
  } catch {
    return undefined;
  }
}

function childPids(parent: number): number[] {
  return procEntries().filter((pid) => procStat(pid)?.ppid === parent);
}

/** Every process in the PID namespace that `pid` is in (identified by the namespace inode, not by name). */
function namespaceMembers(pid: number): number[] {
  const ns = readLinkQuietly(`/proc/${pid}/ns/pid`);
  if (!ns) return [];
  return procEntries().filter((p) => readLinkQuietly(`/proc/${p}/ns/pid`) === ns);
}

function readLinkQuietly(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const alive = () => pids.filter((pid) => {
    const stat = procStat(pid);
    return stat !== undefined && stat.state !== 'Z';
  });
  while (alive().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

interface DisplayClaim {
  offset: number;
  release(): void;
}

/** Claims a block of DISPLAYS_PER_LAB display numbers for this lab's sesman, clearing what a killed lab left in it. */
async function claimDisplays(labUid: number): Promise<DisplayClaim> {
  mkdirSync(DISPLAY_CLAIMS, { recursive: true });
  const start = Math.floor(Math.random() * BLOCKS);
  for (let i = 0; i < BLOCKS; i++) {
    const offset = FIRST_OFFSET + ((start + i) % BLOCKS) * DISPLAYS_PER_LAB;
    const claimDir = join(DISPLAY_CLAIMS, String(offset));
    if (!tryClaim(claimDir)) continue;
    if (!(await displaysReusable(offset, labUid))) {
      rmSync(claimDir, { recursive: true, force: true });
      continue;
    }
    clearDisplays(offset, labUid);
    return { offset, release: () => rmSync(claimDir, { recursive: true, force: true }) };
  }
  throw new Error(`no free block of ${DISPLAYS_PER_LAB} X displays between :${FIRST_OFFSET} and :${FIRST_OFFSET + BLOCKS * DISPLAYS_PER_LAB - 1} (claims in ${DISPLAY_CLAIMS})`);
}

/** mkdir claims a free block; a dead owner's block is taken over by whoever first creates takeover-<its pid>. */
function tryClaim(claimDir: string): boolean {
  const ownerFile = join(claimDir, 'owner');
  try {
    mkdirSync(claimDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(readIfExists(ownerFile)) || 0;
    if (owner === 0 && Date.now() - (mtime(claimDir) ?? Date.now()) < 10_000) return false; // owner not written yet
    if (owner !== 0 && processAlive(owner)) return false;
    try {
      writeFileSync(join(claimDir, `takeover-${owner}`), String(process.pid), { flag: 'wx' });
    } catch {
      return false; // another lab took it over first
    }
  }
  writeFileSync(ownerFile, String(process.pid));
  return true;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** False when a live X server (anyone's) or another user's leftovers sit in the block. */
async function displaysReusable(offset: number, labUid: number): Promise<boolean> {
  for (let n = offset; n < offset + DISPLAYS_PER_LAB; n++) {
    const socket = `/tmp/.X11-unix/X${n}`;
    for (const path of [socket, `/tmp/.X${n}-lock`]) {
      const owner = ownerOf(path);
      if (owner !== undefined && owner !== labUid) return false;
    }
    if (ownerOf(socket) !== undefined && (await unixSocketAnswers(socket))) return false;
  }
  return true;
}

/** Removes the lab user's dead X server files and xrdp sockets for the block's displays. */
function clearDisplays(offset: number, labUid: number): void {
  const sockdirEntries = existsSync(SOCKDIR) ? readdirSync(SOCKDIR) : [];
  for (let n = offset; n < offset + DISPLAYS_PER_LAB; n++) {
    const paths = [`/tmp/.X11-unix/X${n}`, `/tmp/.X${n}-lock`, ...sockdirEntries.filter((e) => e.endsWith(`_${n}`)).map((e) => join(SOCKDIR, e))];
    for (const path of paths) if (ownerOf(path) === labUid) rmSync(path, { force: true });
  }
}

function ownerOf(path: string): number | undefined {
  try {
    return lstatSync(path).uid;
  } catch {
    return undefined;
  }
}

function unixSocketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}

async function loopbackV6Available(): Promise<boolean> {
  try {
    await freePort('::1');
    return true;
  } catch {
    return false;
  }
}

function selfSignedCertificate(dir: string): { certificate: string; key: string; fingerprint: string } {
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  // RSA: what Windows hosts present, and what every RDP client handles.
  execFileSync(OPENSSL, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate, '-days', '2',
    '-subj', '/CN=porthole-lab-rdp',
  ], { stdio: 'ignore' });
  chmodSync(key, 0o600);
  const fingerprint = new X509Certificate(readFileSync(certificate)).fingerprint256.replaceAll(':', '').toLowerCase();
  return { certificate, key, fingerprint };
}

function withLog(error: unknown, name: string, log: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${message}\n--- ${name}\n${log.slice(-4_000)}`);
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

