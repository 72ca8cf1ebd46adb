// Unit tests for settings resolution: precedence, the loopback-only bind rule, and config-file errors that name the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigFile } from './config-file.js';
import { gatewayUrl, isLoopbackAddress, loadConfig, UNSAFE_BIND_FLAG } from './config.js';

const cwd = () => mkdtempSync(join(tmpdir(), 'porthole-config-'));

describe('loadConfig', () => {
  it('defaults to loopback, port 8470, ./data and a 5 minute grace', () => {
    const dir = cwd();
    const config = loadConfig([], {}, dir);
    expect(config).toMatchObject({ listenHost: '127.0.0.1', port: 8470, dataDir: join(dir, 'data'), detachGraceMs: 300_000, databaseUrl: undefined });
  });

  it('keeps recordings under the data directory, sealed, 90 days and 20 GB unless porthole.yaml says otherwise', () => {
    const dir = cwd();
    expect(loadConfig([], {}, dir).recordings).toEqual({ dir: join(dir, 'data', 'recordings'), maxAgeMs: 90 * 86_400_000, maxTotalBytes: 20e9, tailnetHosts: { mode: 'on', input: false }, encrypt: true });
    writeFileSync(join(dir, 'porthole.yaml'), 'recordings:\n  dir: rec\n  maxAgeDays: 7\n  maxTotalGB: 0.5\n  encrypt: false\n');
    expect(loadConfig([], {}, dir).recordings).toMatchObject({ dir: join(dir, 'rec'), maxAgeMs: 7 * 86_400_000, maxTotalBytes: 5e8, encrypt: false });
  });

  it('prefers flags over environment over the file', () => {
    const dir = cwd();
    writeFileSync(join(dir, 'porthole.yaml'), 'port: 9001\ndetachGraceSeconds: 10\n');
    expect(loadConfig([], {}, dir).port).toBe(9001);
    expect(loadConfig([], { PORTHOLE_PORT: '9002' }, dir).port).toBe(9002);
    expect(loadConfig(['--port', '9003'], { PORTHOLE_PORT: '9002' }, dir).port).toBe(9003);
    expect(loadConfig([], {}, dir).detachGraceMs).toBe(10_000);
  });

  it.each([
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['::', false],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
  ])('listening on %s is loopback: %s', (host, loopback) => {
    expect(isLoopbackAddress(host)).toBe(loopback);
  });

  it('refuses a non-loopback bind unless the loudly named flag is given', () => {
    const dir = cwd();
    expect(() => loadConfig(['--listen', '0.0.0.0', '--mode', 'local'], {}, dir)).toThrow(/refusing to listen on "0.0.0.0".*--unsafe-listen-beyond-loopback/);
    expect(loadConfig(['--listen', '0.0.0.0', '--mode', 'local', UNSAFE_BIND_FLAG], {}, dir).listenHost).toBe('0.0.0.0');
  });

  it('reads mode, socket, capability and access rules; TS_SOCKET is honoured below the Porthole names', () => {
    const dir = cwd();
    writeFileSync(join(dir, 'porthole.yaml'), 'mode: tailnet\ntailscale:\n  capability: example.com/cap/lab\n  sshPort: 2222\naccess:\n  - { logins: [alice@example.com], role: admin, hosts: ["*"] }\n');
    const config = loadConfig([], { TS_SOCKET: '/tmp/ts.sock' }, dir);
    expect(config).toMatchObject({ mode: 'tailnet', tailscaleSockets: ['/tmp/ts.sock'], tailscaleCapability: 'example.com/cap/lab', tailnetSshPort: 2222 });
    expect(config.access).toEqual([{ logins: ['alice@example.com'], role: 'admin', hosts: ['*'] }]);
    expect(loadConfig(['--tailscale-socket', '/run/a.sock'], { PORTHOLE_TAILSCALE_SOCKET: '/run/b.sock', TS_SOCKET: '/run/c.sock' }, dir).tailscaleSockets).toEqual(['/run/a.sock']);
    expect(loadConfig(['--mode', 'local'], {}, dir).mode).toBe('local');
    expect(loadConfig(['--serve-socket', 'run/serve.sock'], {}, dir).serveSocket).toBe(join(dir, 'run/serve.sock'));
    expect(loadConfig([], {}, dir).serveSocket).toBeUndefined();
    expect(() => loadConfig(['--mode', 'mesh'], {}, dir)).toThrow(/"mesh" is not one of auto, tailnet, local/);
  });

  it('probes the platform socket paths by default', () => {
    expect(loadConfig([], {}, cwd()).tailscaleSockets).toEqual([
      '/var/run/tailscale/tailscaled.sock',
      '/var/packages/Tailscale/var/tailscaled.sock',
      '/tmp/tailscale/tailscaled.sock',
      '/tmp/tailscaled.sock',
    ]);
  });

  it.each([
    ['access:\n  - { role: admin }\n', /access.0: a rule names at least one login or tag/],
    ['access:\n  - { tags: [ci] }\n', /a tag looks like tag:name/],
    ['access:\n  - { logins: [a@b.c], role: root }\n', /access.0.role/],
    ['tailscale:\n  capability: porthole\n', /a capability name looks like example.com\/cap\/porthole/],
  ])('rejects a bad access setting and says where: %j', (yaml, message) => {
    expect(() => parseConfigFile(yaml, 'porthole.yaml')).toThrow(message);
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1:8470'],
    ['::1', 'http://[::1]:8470'],
    ['0.0.0.0', 'http://127.0.0.1:8470'],
  ])('opens a gateway bound to %s at %s', (host, url) => {
    expect(gatewayUrl(host, 8470)).toBe(url);
  });

  it('names a bad port value', () => {
    expect(() => loadConfig(['--port', 'eighty'], {}, cwd())).toThrow(/"eighty" is not a TCP port/);
  });
});

describe('porthole.yaml', () => {
  it('reads hosts with exactly one way to log in', () => {
    const config = parseConfigFile('hosts:\n  - { name: pi, address: 10.0.0.2, user: pi, password: x }\n', 'p.yaml');
    expect(config.hosts[0]).toMatchObject({ name: 'pi', port: 22, password: 'x' });
  });

  it('reads a host\'s recording policy, defaulting what is left out', () => {
    const config = parseConfigFile('hosts:\n  - { name: pi, address: a, user: u, password: x, recording: { mode: required, input: true } }\n  - { name: nas, address: b, user: u, password: x, recording: { input: true } }\n', 'p.yaml');
    expect(config.hosts.map((h) => h.recording)).toEqual([{ mode: 'required', input: true }, { mode: 'on', input: true }]);
  });

  it.each([
    ['hosts:\n  - { name: pi, address: a, user: u }\n', /hosts\.0: give exactly one of password/],
    ['hosts:\n  - { name: pi, address: a, user: u, password: x, keyboardInteractive: true }\n', /exactly one/],
    ['port: "high"\n', /port:/],
    ['colour: blue\n', /colour/],
    ['hosts: [\n', /not valid YAML/],
    ['hosts:\n  - { name: pi, address: a, user: u, password: x, recording: { mode: always } }\n', /hosts\.0\.recording\.mode/],
    ['hosts:\n  - { name: pi, address: a, user: u, password: x, recording: { mode: on, keys: true } }\n', /keys/],
  ])('names the problem in %j', (text, message) => {
    expect(() => parseConfigFile(text, 'p.yaml')).toThrow(message);
  });
});
