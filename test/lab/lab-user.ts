// The porthole-lab Unix account the lab daemons log in as (sshd, xrdp): created once, a random password per machine, one lock.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const LAB_USER = 'porthole-lab';
export const LAB_HOME = '/var/tmp/porthole-lab-home';
/** Serialises account setup across vitest workers (parallel useradd/chpasswd fight over /etc/shadow). */
export const LAB_LOCK = '/var/tmp/porthole-lab.lock';

export interface LabAccount {
  uid: number;
  gid: number;
  home: string;
  password: string;
}

/** Creates the account if missing, repairs its home, and (re)sets its machine-local random password. */
export function ensureLabAccount(): LabAccount {
  let entry = passwdEntry();
  if (!entry) {
    execFileSync('useradd', ['--system', '--create-home', '--home-dir', LAB_HOME, '--shell', '/bin/bash', LAB_USER]);
    entry = passwdEntry();
    if (!entry) throw new Error(`useradd ${LAB_USER} succeeded but getent does not see the user`);
  }
  const { uid, gid, home } = entry;
  mkdirSync(home, { recursive: true });
  // Owned by the user and not group/world-writable: sshd's StrictModes, and xrdp sessions write ~/.Xauthority.
  chownSync(home, uid, gid);
  chmodSync(home, 0o755);
  // Random per machine, not a constant: a real account with a published password would be an open door
  // wherever the machine's own sshd listens. Root-only file so every test process reads the same one.
  const passwordPath = join(home, '.porthole-lab-password');
  if (!existsSync(passwordPath)) writeFileSync(passwordPath, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordPath, 'utf8').trim();
  execFileSync('chpasswd', { input: `${LAB_USER}:${password}\n` });
  return { uid, gid, home, password };
}

function passwdEntry(): { uid: number; gid: number; home: string } | undefined {
  try {
    const [, , uid, gid, , home] = execFileSync('getent', ['passwd', LAB_USER], { encoding: 'utf8' }).trim().split(':');
    return { uid: Number(uid), gid: Number(gid), home: home ?? LAB_HOME };
  } catch {
    return undefined; // getent exits 2 for an unknown user
  }
}

/** Runs `fn` holding a lock directory; one left by a killed run (over a minute old) is taken over. */
export async function withLock<T>(lockDir: string, fn: () => T): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = Date.now() - (statMtime(lockDir) ?? Date.now());
    if (age > 60_000) rmSync(lockDir, { recursive: true, force: true });
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
