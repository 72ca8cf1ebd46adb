// The real entry point as a person runs it: prints the one-time login link, serves, refuses unsafe binds, stops on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostView } from '../shared/api-types.js';
import { redeemLoginLink, sessionCookieOf } from './support/login.js';
import { startTailscaledDouble } from './support/tailscaled-double.js';
import { NODES } from './support/tailnet-gateway.js';

const root = join(import.meta.dirname, '..');
const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

function run(args: string[], env: Record<string, string> = {}) {
  // node with tsx's loader rather than the tsx command, which would run the gateway as a grandchild that
  // the SIGKILL in afterEach never reaches (it was left running, and busy, after every run).
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts'), ...args], { cwd: root, env: { ...process.env, ...env, PORTHOLE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const link = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/login#\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  link.catch(() => {}); // a test that expects the process to exit never awaits the link
  return { child, link, exited, stderr: () => stderr };
}

describe('the gateway process', () => {
  it('starts on loopback, prints a working one-time link, syncs porthole.yaml hosts, and stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'porthole-proc-'));
    writeFileSync(join(dataDir, 'porthole.yaml'), 'hosts:\n  - { name: from-yaml, address: 127.0.0.1, user: pi, password: yaml-secret }\n');
    const gw = run(['--port', '0', '--data-dir', dataDir]);
    const link = await gw.link;
    const base = link.slice(0, link.indexOf('/login'));
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const login = await redeemLoginLink(link);
    expect(login.status).toBe(204);
    const cookie = sessionCookieOf(login);
    const hosts = (await (await fetch(`${base}/api/hosts`, { headers: { cookie } })).json()) as HostView[];
    expect(hosts.map((h) => [h.name, h.source])).toEqual([['from-yaml', 'config']]);
    const edit = await fetch(`${base}/api/hosts/${hosts[0]!.id}`, { method: 'PATCH', headers: { cookie, origin: base, 'x-porthole-csrf': '1', 'content-type': 'application/json' }, body: '{"port":2222}' });
    expect(edit.status).toBe(409);
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(gw.stderr()).not.toContain('yaml-secret');
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
  });

  it('starts in tailnet mode when tailscaled answers: says so, listens on the Tailscale address, prints no login link', async () => {
    const double = await startTailscaledDouble({ self: NODES.gateway, peers: [NODES.alice] });
    try {
      const gw = run(['--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'porthole-proc-'))], { PORTHOLE_TAILSCALE_SOCKET: double.socketPath });
      const started = /tailnet mode at http:\/\/porthole\.tail1234\.ts\.net:(\d+)/;
      await new Promise<void>((resolve, reject) => {
        gw.child.stderr!.on('data', () => started.test(gw.stderr()) && /everyone else is refused/.test(gw.stderr()) && resolve());
        void gw.exited.then((code) => reject(new Error(`exited ${code}: ${gw.stderr()}`)));
      });
      const port = started.exec(gw.stderr())![1];
      expect(gw.stderr()).toContain(`listening on 127.0.0.1:${port}, 127.0.0.20:${port}; identity from tailscaled 1.103.0`);
      expect(gw.stderr()).toContain('access: grants with the app capability "porthole.dev/cap/access"');
      expect(gw.stderr()).not.toContain('/login#');
      expect((await fetch(`http://127.0.0.20:${port}/api/health`)).status).toBe(200);
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
    } finally {
      await double.close();
    }
  });

  it('says why it is in local mode when a configured socket does not answer', async () => {
    const gw = run(['--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'porthole-proc-'))], { PORTHOLE_TAILSCALE_SOCKET: '/nonexistent/tailscaled.sock' });
    await gw.link;
    expect(gw.stderr()).toMatch(/local mode at http:\/\/127\.0\.0\.1:\d+ .*\n\s+\(not tailnet mode: no tailscaled socket at \/nonexistent\/tailscaled\.sock/);
  });

  it('refuses to listen beyond loopback without the loudly named flag', async () => {
    const gw = run(['--port', '0', '--listen', '0.0.0.0', '--data-dir', mkdtempSync(join(tmpdir(), 'porthole-proc-'))]);
    expect(await gw.exited).toBe(1);
    expect(gw.stderr()).toMatch(/refusing to listen on "0\.0\.0\.0".*--unsafe-listen-beyond-loopback/);
  });
});
