// The desktop benchmark's peers and tools: Debian packages (installed as root), a private build of the gateway and page,
// and noVNC served by websockify on loopback.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { freePort } from '../test/lab/ports.js';
import { spawnTracked, type Tracked } from './procs.js';

const ROOT = join(import.meta.dirname, '..');
/** git-ignored (bench/.peers/), shared with the WeTTY install of the terminal benchmark. */
export const DESKTOP_PEERS = join(ROOT, 'bench', '.peers', 'desktop');
export const NOVNC_WEB = '/usr/share/novnc';

/** Every program the desktop benchmark runs, with the Debian package that brings it. */
const TOOLS: [path: string, debianPackage: string][] = [
  ['/usr/bin/Xvnc', 'tigervnc-standalone-server'],
  ['/usr/bin/vncpasswd', 'tigervnc-tools'],
  ['/usr/bin/tigervncconfig', 'tigervnc-common'],
  ['/usr/bin/xterm', 'xterm'],
  ['/usr/bin/xsetroot', 'x11-xserver-utils'],
  ['/usr/bin/xwininfo', 'x11-utils'],
  ['/usr/bin/xwud', 'x11-apps'],
  ['/usr/bin/ppmforge', 'netpbm'],
  ['/usr/bin/pnmtoxwd', 'netpbm'],
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/sbin/sshd', 'openssh-server'],
  ['/usr/bin/ssh-keygen', 'openssh-client'],
  ['/usr/bin/websockify', 'websockify'],
  [join(NOVNC_WEB, 'vnc.html'), 'novnc'],
];

/** Debian packages whose programs are missing here (deduplicated, in the order above). */
export function missingPackages(): string[] {
  return [...new Set(TOOLS.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg))];
}

/**
 * Installs what is missing as root (apt-get, like scripts/prepare-test-env.mjs: a temporary policy-rc.d so no service
 * starts on install); otherwise returns the packages to install, for the caller to print and exit 2.
 */
export function ensurePackages(log: (line: string) => void): { missing: string[]; installed: string[] } {
  const missing = missingPackages();
  if (missing.length === 0) return { missing: [], installed: [] };
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return { missing, installed: [] };
  const policy = '/usr/sbin/policy-rc.d';
  const addedPolicy = !existsSync(policy);
  if (addedPolicy) writeFileSync(policy, '#!/bin/sh\n# Added by bench/desktop.ts for the install only.\nexit 101\n', { mode: 0o755 });
  try {
    log(`installing Debian package(s): ${missing.join(' ')} (apt-get update first)`);
    for (const args of [['-q', 'update'], ['install', '-y', '-q', '--no-install-recommends', ...missing]]) {
      const r = spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 });
      if (r.error || r.status !== 0) {
        throw new Error(`apt-get ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim().split('\n').slice(-20).join('\n')}`);
      }
    }
  } finally {
    if (addedPolicy) rmSync(policy, { force: true });
  }
  const still = missingPackages();
  if (still.length) throw new Error(`apt-get install finished but these are still missing: ${still.join(' ')}`);
  return { missing: [], installed: missing };
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export interface PrivateBuild {
  /** bench/desktop-gateway-child.ts compiled beside the server it imports: run it with plain node. */
  gatewayChild: string;
  webRoot: string;
  seconds: number;
}

/**
 * Builds the current server/ + shared/ sources (esbuild, one file each, no bundling: what `tsc -p server/tsconfig.build.json`
 * emits, without the type-check) and the page (vite) into `peersDir` (bench/.peers/desktop; the RDP benchmark uses its own), so the gateway runs as plain JavaScript, as in
 * production (from source its VNC worker thread would load tsx on every connect), and nobody else's dist/ is touched.
 */
export async function buildPrivateCopy(log: (line: string) => void, peersDir: string = DESKTOP_PEERS): Promise<PrivateBuild> {
  const t0 = Date.now();
  const out = join(peersDir, 'build');
  const webRoot = join(peersDir, 'web');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // Plain ESM, and the project's node_modules (not bench/.peers/node_modules, which is WeTTY's) when resolving packages.
  writeFileSync(join(out, 'package.json'), '{ "type": "module", "private": true }\n');
  symlinkSync(relative(out, join(ROOT, 'node_modules')), join(out, 'node_modules'));
  const { build } = await import('esbuild');
  await build({
    entryPoints: [...listTs(join(ROOT, 'server')), ...listTs(join(ROOT, 'shared')), join(ROOT, 'bench', 'desktop-gateway-child.ts')],
    outdir: out,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    sourcemap: false,
    logLevel: 'error',
  });
  log(`built server/ + shared/ (+ the gateway child) into ${relative(ROOT, out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const vite = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'web', 'vite.config.ts'), '--outDir', webRoot, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (vite.status !== 0 || !existsSync(join(webRoot, 'index.html'))) throw new Error(`vite build of the page failed: ${`${vite.stdout}${vite.stderr}`.slice(-2000)}`);
  const seconds = (Date.now() - t0) / 1000;
  log(`built the page into ${relative(ROOT, webRoot)}; ${seconds.toFixed(1)} s in all`);
  return { gatewayChild: join(out, 'bench', 'desktop-gateway-child.js'), webRoot, seconds };
}

export interface Websockify {
  /** The noVNC page's origin, e.g. http://127.0.0.1:PORT (websockify serves /usr/share/novnc and the WebSocket). */
  url: string;
  port: number;
  pid: number;
  proc: Tracked;
  stop(): Promise<void>;
}

/** websockify from Debian, on 127.0.0.1 only, serving noVNC's web root and relaying to the VNC server. */
export async function startWebsockify(vncPort: number): Promise<Websockify> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawnTracked('/usr/bin/websockify', ['--web', NOVNC_WEB, `127.0.0.1:${port}`, `127.0.0.1:${vncPort}`]);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const up = await fetch(`${url}/vnc.html`).then((r) => r.ok, () => false);
      if (up) return { url, port, pid: proc.pid, proc, stop: () => proc.stop() };
      if (proc.child.exitCode !== null || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await proc.stop();
    if (attempt === 3 || !/in use/i.test(proc.output())) throw new Error(`websockify did not serve ${url}/vnc.html: ${proc.output().slice(-1000)}`);
  }
}

/** `dpkg-query` version of a package, for the report. */
export function packageVersion(pkg: string): string {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '?';
}
