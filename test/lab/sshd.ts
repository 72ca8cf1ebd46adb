// A real OpenSSH sshd on loopback for tests: its own config and host key, logging in as the porthole-lab user.
import { execFileSync } from 'node:child_process';
import { ensureLabAccount, LAB_LOCK, LAB_USER, withLock } from './lab-user.js';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnDaemon, waitUntilListening, type Daemon } from './processes.js';

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';
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

/** The porthole-lab account (lab-user.ts) plus its key pair for key logins; repairs modes every time. */
function ensureLabUser(): { password: string; privateKey: string } {
  const { uid, gid, home, password } = ensureLabAccount();
  const sshDir = join(home, '.ssh');
  const keyPath = join(sshDir, 'id_ed25519');
  mkdirSync(sshDir, { recursive: true });
  if (!existsSync(keyPath)) {
    rmSync(`${keyPath}.pub`, { force: true });
    execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', `${LAB_USER}@lab`, '-f', keyPath]);
  }
  const authorizedKeys = join(sshDir, 'authorized_keys');
  // Test files run in parallel against this one account: rewriting the file in place would leave
  // it empty for a moment under another file's login, so it is replaced whole and only when it differs.
  const publicKey = readFileSync(`${keyPath}.pub`);
  if (!existsSync(authorizedKeys) || !readFileSync(authorizedKeys).equals(publicKey)) {
    const staged = `${authorizedKeys}.${process.pid}.tmp`;
    writeFileSync(staged, publicKey, { mode: 0o600 });
    chownSync(staged, uid, gid);
    renameSync(staged, authorizedKeys);
  }
  // StrictModes: ~/.ssh and its files owned by the user and not group/world-writable.
  for (const [path, mode] of [[sshDir, 0o700], [keyPath, 0o600], [`${keyPath}.pub`, 0o644], [authorizedKeys, 0o600]] as const) {
    chownSync(path, uid, gid);
    chmodSync(path, mode);
  }
  return { password, privateKey: readFileSync(keyPath, 'utf8') };
}
