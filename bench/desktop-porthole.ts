// Porthole under test for the desktop benchmarks: the privately built gateway in a child process (its CPU is its own),
// logged in over its API; VNC, RDP and SSH hosts; sessions ended between runs.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PrivateBuild } from './desktop-peers.js';
import { apiClient, loginWithLink, type Login, type LoopStats } from './porthole-peer.js';
import { spawnTracked, type Tracked } from './procs.js';

const ROOT = join(import.meta.dirname, '..');

export interface DesktopGateway extends Login {
  pid: number;
  proc: Tracked;
  api: ReturnType<typeof apiClient>;
  addVncHost(port: number): Promise<string>;
  /** A password RDP host (settings as in shared/api-types.ts rdpSettingsSchema, e.g. { security: 'tls' }). */
  addRdpHost(target: { port: number; user: string; password: string; rdp?: Record<string, string> }): Promise<string>;
  addKeyHost(target: { port: number; user: string; privateKey: string }): Promise<string>;
  /** Starts watching the gateway's event-loop delay and GC pauses; loopStop returns them. */
  loopStart(): Promise<void>;
  loopStop(): Promise<LoopStats>;
  /** Ends every desktop session, VNC and RDP (a closed page leaves its session for the 2 s grace period otherwise). */
  endDesktopSessions(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Plain node, no tsx; `nodeArgs` e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] (BENCH_GATEWAY_NODE_ARGS in desktop.ts);
 * `env` is added to this process's environment (e.g. PORTHOLE_RDP_HELPER for the RDP benchmark).
 */
export async function startDesktopGateway(build: PrivateBuild, nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<DesktopGateway> {
  const proc = spawnTracked(process.execPath, [...nodeArgs, build.gatewayChild, JSON.stringify({ webRoot: build.webRoot })], {
    cwd: ROOT,
    keepStdout: true,
    env: { ...process.env, ...env },
  });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: proc.child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  const nextLine = (timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(() => reject(new Error(`gateway child said nothing within ${timeoutMs} ms; stderr: ${proc.output()}`)), timeoutMs);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const hello = JSON.parse(await nextLine(30_000)) as { url: string; link: string; pid: number };
  const login = await loginWithLink(hello.url, hello.link);
  const api = apiClient(login);
  const created = async (body: object) => {
    const res = await api('POST', '/api/hosts', body);
    if (res.status !== 201) throw new Error(`add host: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { id: string }).id;
  };
  return {
    ...login,
    pid: hello.pid,
    proc,
    api,
    addVncHost: (port) => created({ name: `bench-vnc-${port}`, protocol: 'vnc', address: '127.0.0.1', port, auth: { method: 'none' } }),
    addRdpHost: (t) =>
      created({ name: `bench-rdp-${t.port}`, protocol: 'rdp', address: '127.0.0.1', port: t.port, username: t.user, auth: { method: 'password', password: t.password }, ...(t.rdp ? { rdp: t.rdp } : {}) }),
    addKeyHost: (t) => created({ name: `bench-ssh-${t.port}`, address: '127.0.0.1', port: t.port, username: t.user, auth: { method: 'key', privateKey: t.privateKey } }),
    async loopStart() {
      proc.child.stdin!.write('loop-start\n');
      await nextLine(10_000);
    },
    async loopStop() {
      proc.child.stdin!.write('loop-stop\n');
      return JSON.parse(await nextLine(10_000)) as LoopStats;
    },
    async endDesktopSessions() {
      const list = await api('GET', '/api/sessions');
      const desktops = ((list.body ?? []) as { id: string; protocol?: string }[]).filter((s) => s.protocol === 'vnc' || s.protocol === 'rdp');
      for (const s of desktops) await api('DELETE', `/api/sessions/${s.id}`);
      return desktops.length;
    },
    async stop() {
      proc.child.stdin!.end('quit\n');
      const timer = setTimeout(() => void proc.stop(), 4_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}
