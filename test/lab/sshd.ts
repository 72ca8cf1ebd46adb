// A real OpenSSH sshd on loopback for tests: its own config and host key, logging in as the porthole-lab user.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnDaemon, waitUntilListening, type Daemon } from './processes.js';

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';
const LAB_USER = 'porthole-lab';
// Outside /tmp so the account survives tmp cleaners; /var/tmp's sticky bit is fine for StrictModes,
// which checks only up to the home directory.
const LAB_HOME = '/var/tmp/porthole-lab-home';
const LAB_LOCK = '/var/tmp/porthole-lab.lock';
const NEEDS_ROOT = 'needs root (to create the porthole-lab user)';

export interface SshdOptions {
  /** e.g. 'keyboard-interactive': forces that method so a test exercises the prompt path. */
  authenticationMethods?: string;
  /** More sshd_config lines, appended as given. */
  extraConfig?: string[];
}

export interface LabSshd {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** The user's ed25519 private key, OpenSSH format, no passphrase. */
  privateKey: string;
  /** 'SHA256:...' as `ssh-keygen -lf` prints it; updated by rotateHostKey. */
  hostKeyFingerprint: string;
  hostKeyPath: string;
  /** Restarts on the same port with a new host key; returns its fingerprint. */
  rotateHostKey(): Promise<string>;
  stop(): Promise<void>;
}

/** Why startSshd cannot run here (a missing Debian package or root), or null. */
export function sshdUnavailableReason(): string | null {
  if (!existsSync(SSHD)) return `needs the Debian package openssh-server (no ${SSHD})`;
  if (!existsSync(SSH_KEYGEN)) return `needs the Debian package openssh-client (no ${SSH_KEYGEN})`;
  if (process.getuid?.() !== 0) return NEEDS_ROOT;
  return null;
}

export async function startSshd(options: SshdOptions = {}): Promise<LabSshd> {
  const reason = sshdUnavailableReason();
  if (reason) throw new Error(reason);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // else "Missing privilege separation directory"
  const { password, privateKey } = await withLock(LAB_LOCK, ensureLabUser);

  const dir = mkdtempSync(join(tmpdir(), 'porthole-sshd-'));
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, sshdConfig(dir, hostKeyPath, options));
  const lab: LabSshd = {
    host: '127.0.0.1',
    port: 0,
    user: LAB_USER,
    password,
    privateKey,
    hostKeyFingerprint: newHostKey(hostKeyPath),
    hostKeyPath,
    rotateHostKey,
    stop,
  };
  let daemon: Daemon | undefined;

  async function run(port: number): Promise<void> {
    daemon = spawnDaemon('sshd', SSHD, ['-D', '-e', '-f', configPath, '-p', String(port)]);
    await waitUntilListening(daemon, port, { greeting: /^SSH-2\.0-.*\r?\n/ });
    lab.port = port;
  }
  async function rotateHostKey(): Promise<string> {
    await daemon?.stop();
    lab.hostKeyFingerprint = newHostKey(hostKeyPath);
    await run(lab.port); // sshd sets SO_REUSEADDR, so the same port rebinds at once
    return lab.hostKeyFingerprint;
  }
  async function stop(): Promise<void> {
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  // freePort can race with another binder: retry on a fresh port rather than fail the suite.
  for (let attempt = 1; ; attempt++) {
    try {
      await run(await freePort());
      return lab;
    } catch (error) {
      const inUse = /Address already in use|Cannot bind any address/.test(daemon?.output() ?? '');
      if (!inUse || attempt === 3) {
        await stop();
        throw error;
      }
    }
  }
}

function sshdConfig(dir: string, hostKeyPath: string, options: SshdOptions): string {
  return [
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication yes',
    'PubkeyAuthentication yes',
    'PermitRootLogin no',
    `AllowUsers ${LAB_USER}`,
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    'PrintMotd no',
    ...(options.authenticationMethods ? [`AuthenticationMethods ${options.authenticationMethods}`] : []),
    ...(options.extraConfig ?? []),
    '',
  ].join('\n');
}

/** Replaces the ed25519 key at `path` and returns its fingerprint as `ssh-keygen -lf` prints it. */
function newHostKey(path: string): string {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', 'porthole-lab-host', '-f', path]);
  return fingerprintOf(`${path}.pub`);
}

function fingerprintOf(publicKeyPath: string): string {
  const line = execFileSync(SSH_KEYGEN, ['-lf', publicKeyPath], { encoding: 'utf8' }); // "256 SHA256:... comment (ED25519)"
  const fingerprint = line.split(' ')[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${line}`);
  return fingerprint;
}

/** Creates the porthole-lab account, its key pair and password once; repairs modes every time. */
function ensureLabUser(): { password: string; privateKey: string } {
  let entry = passwdEntry();
  if (!entry) {
    execFileSync('useradd', ['--system', '--create-home', '--home-dir', LAB_HOME, '--shell', '/bin/bash', LAB_USER]);
    entry = passwdEntry();
    if (!entry) throw new Error(`useradd ${LAB_USER} succeeded but getent does not see the user`);
  }
  const { uid, gid, home } = entry;
  const sshDir = join(home, '.ssh');
  const keyPath = join(sshDir, 'id_ed25519');
  // StrictModes: home and ~/.ssh owned by the user and not group/world-writable.
  mkdirSync(sshDir, { recursive: true });
  chownSync(home, uid, gid);
  chmodSync(home, 0o755);
  if (!existsSync(keyPath)) {
    rmSync(`${keyPath}.pub`, { force: true });
    execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', `${LAB_USER}@lab`, '-f', keyPath]);
  }
  const authorizedKeys = join(sshDir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${keyPath}.pub`));
  for (const [path, mode] of [[sshDir, 0o700], [keyPath, 0o600], [`${keyPath}.pub`, 0o644], [authorizedKeys, 0o600]] as const) {
    chownSync(path, uid, gid);
    chmodSync(path, mode);
  }
  // Random per machine, not a constant: a real account with a published password would be an open door
  // wherever the machine's own sshd listens. Root-only file so every test process reads the same one.
  const passwordPath = join(home, '.porthole-lab-password');
  if (!existsSync(passwordPath)) writeFileSync(passwordPath, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordPath, 'utf8').trim();
  execFileSync('chpasswd', { input: `${LAB_USER}:${password}\n` });
  return { password, privateKey: readFileSync(keyPath, 'utf8') };
}

function passwdEntry(): { uid: number; gid: number; home: string } | undefined {
  try {
    const [, , uid, gid, , home] = execFileSync('getent', ['passwd', LAB_USER], { encoding: 'utf8' }).trim().split(':');
    return { uid: Number(uid), gid: Number(gid), home: home ?? LAB_HOME };
  } catch {
    return undefined; // getent exits 2 for an unknown user
  }
}

/** Serialises account setup across vitest workers (parallel useradd/chpasswd fight over /etc/shadow). */
async function withLock<T>(lockDir: string, fn: () => T): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = Date.now() - (statMtime(lockDir) ?? Date.now());
    if (age > 60_000) rmSync(lockDir, { recursive: true, force: true }); // left by a killed run
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (remove it if no test is running)`);
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function statMtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
