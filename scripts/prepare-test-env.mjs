// Makes the machine ready for the lab tests: installs the Debian packages they need (as root) or names them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

// Everything test/lab starts (see docs/lab.md); some are only used by later suites, installed now in one go.
const PACKAGES = [
  'openssh-server', 'openssh-client', 'chromium', 'postgresql',
  'tigervnc-standalone-server', 'tigervnc-tools', 'x11vnc', 'xvfb', 'xterm', 'twm', 'netpbm', 'x11-xserver-utils', 'x11-utils', 'openssl',
  'xrdp', 'xorgxrdp', 'freerdp2-dev', 'freerdp2-x11', 'iproute2', 'procps',
  'qemu-system-x86',
];
const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const isRoot = process.getuid?.() === 0;

function log(line) {
  console.log(`[prepare-test-env] ${line}`);
}

/** Names from PACKAGES that dpkg does not report as installed; null when this is not a dpkg system. */
function missingPackages() {
  // One dpkg-query for all names. It exits 1 when some name is unknown to dpkg: those are simply missing.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Status}\n', ...PACKAGES], { encoding: 'utf8' });
  if (r.error) return null;
  const installed = new Set(
    r.stdout.split('\n').filter((l) => l.endsWith('\tinstall ok installed')).map((l) => l.split('\t')[0]),
  );
  return PACKAGES.filter((p) => !installed.has(p));
}

/** Runs apt-get quietly; on failure prints the tail of its output and exits non-zero. */
function aptGet(args) {
  const started = Date.now();
  const r = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.error || r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    console.error(`[prepare-test-env] apt-get ${args.join(' ')} failed after ${seconds} s:\n${r.error?.message ?? output}`);
    process.exit(1);
  }
  return seconds;
}

function install(missing) {
  // A fresh machine may have no policy-rc.d: without one, packages start their services on install
  // (xrdp-sesman on :3350, sshd on :22, postgresql), which the lab's own daemons would collide with.
  const addedPolicy = !existsSync(POLICY_RC_D);
  if (addedPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\n# Added by prepare-test-env for the install only.\nexit 101\n', { mode: 0o755 });
  try {
    log(`installing ${missing.length} Debian package(s): ${missing.join(' ')}`);
    log(`apt-get update took ${aptGet(['-q', 'update'])} s`);
    const seconds = aptGet(['install', '-y', '-q', '--no-install-recommends', ...missing]);
    log(`installed ${missing.join(' ')} in ${seconds} s`);
  } finally {
    if (addedPolicy) rmSync(POLICY_RC_D, { force: true });
  }
}

const missing = missingPackages();
if (missing === null) {
  log('no dpkg-query here (not Debian?): cannot check packages; lab tests will name what they lack');
} else if (missing.length === 0) {
  log(`all ${PACKAGES.length} Debian packages present`);
} else if (isRoot && existsSync('/usr/bin/apt-get')) {
  install(missing);
} else {
  log(`MISSING Debian packages: ${missing.join(' ')}`);
  log(`install them with: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  log('continuing: lab tests that need them will say which package they lack');
}

// sshd refuses to start without its privilege separation directory ("Missing privilege separation directory").
if (isRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
