// The LocalAPI client against the tailscaled contract double: whois, status, probe and every way the socket can fail.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request, type OutgoingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalApiClient, LocalApiError, type LocalApiClient } from '../../server/mesh/localapi-client.js';
import { identityFromWhois } from '../../server/mesh/whois-identity.js';
import { startTailscaledDouble, type DoubleNode, type TailscaledDouble } from '../support/tailscaled-double.js';

const CAP = 'example.com/cap/porthole';
const aliceUser = { id: 3216549870123456789n, loginName: 'alice@example.com', displayName: 'Alice Example', profilePicUrl: 'https://pics.example/alice.png' };
// Both IDs round to the same double: a client keyed on them would merge the two machines.
const aliceMac: DoubleNode = {
  id: 6742331981234567890n, stableId: 'nK3mZp2CNTRL', name: 'alice-mbp.tail1234.ts.net.', hostName: 'Alices-MacBook-Pro', os: 'macOS',
  addresses: ['100.101.102.103', 'fd7a:115c:a1e0::f001:6667'], user: aliceUser, capMap: { [CAP]: [{ role: 'admin' }, { hosts: ['tag:dev'] }] },
};
const alicePhone: DoubleNode = { ...aliceMac, id: 6742331981234567891n, stableId: 'nPh0neCNTRL', name: 'alice-phone.tail1234.ts.net.', hostName: 'iPhone', os: 'iOS', addresses: ['100.101.102.104'], capMap: { [CAP]: [{ role: 'viewer' }] } };
const bob: DoubleNode = { id: 9007199254740993n, stableId: 'nB0bCNTRL', name: 'bob-pc.tail1234.ts.net.', hostName: 'bob-pc', os: 'windows', addresses: ['100.90.1.2'], user: { id: 9007199254740995n, loginName: 'bob@example.com', displayName: 'Bob' }, online: false, lastSeen: '2026-07-30T08:00:00Z' };
const ci: DoubleNode = { id: 7000000000000000001n, stableId: 'nC1CNTRL', name: 'ci-runner.tail1234.ts.net.', hostName: 'ci-runner', os: 'linux', addresses: ['100.70.0.9'], tags: ['tag:ci'], capMap: { [CAP]: [{ role: 'deploy' }] } };
const gateway: DoubleNode = { id: 7000000000000000002n, stableId: 'nGwCNTRL', name: 'porthole.tail1234.ts.net.', hostName: 'porthole', os: 'linux', addresses: ['100.64.0.1', 'fd7a:115c:a1e0::1'], tags: ['tag:gateway'] };
const tailnet = { self: gateway, peers: [aliceMac, alicePhone, bob, ci] };

/** Fails if any number hides anywhere in a result: the only numbers tailscaled sends are IDs that JSON.parse rounds. */
function numbersIn(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return [path];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numbersIn(v, `${path}.${k}`));
  return [];
}

/** A raw request to the double, to prove it enforces what the client must get right. */
function rawGet(socketPath: string, path: string, headers: OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

async function rejection(promise: Promise<unknown>): Promise<LocalApiError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LocalApiError);
  return error as LocalApiError;
}

describe.each(['current', 'old'] as const)('LocalAPI client against a %s daemon', (daemonVersion) => {
  let double: TailscaledDouble;
  let client: LocalApiClient;
  beforeAll(async () => {
    double = await startTailscaledDouble({ ...tailnet, daemonVersion });
    client = createLocalApiClient({ socketPath: double.socketPath });
  });
  afterAll(() => double.close());

  it('whois of a person with app capabilities gives their login, node and caps', async () => {
    const whois = await client.whois('100.101.102.103', 51234);
    expect(whois?.user).toMatchObject({ loginName: 'alice@example.com', displayName: 'Alice Example' });
    expect(whois?.node).toMatchObject({ stableId: 'nK3mZp2CNTRL', name: 'alice-mbp.tail1234.ts.net.', addresses: ['100.101.102.103', 'fd7a:115c:a1e0::f001:6667'] });
    expect(identityFromWhois(whois!, CAP)).toEqual({
      kind: 'person', login: 'alice@example.com', displayName: 'Alice Example',
      node: { stableId: 'nK3mZp2CNTRL', name: 'alice-mbp.tail1234.ts.net', os: 'macOS', tags: [] },
      caps: [{ role: 'admin' }, { hosts: ['tag:dev'] }],
    });
  });

  it('whois of a tagged node gives a tagged device, never a person called tagged-devices', async () => {
    const identity = identityFromWhois((await client.whois('100.70.0.9', 40000))!, CAP);
    expect(identity).toEqual({ kind: 'tagged-device', tags: ['tag:ci'], node: { stableId: 'nC1CNTRL', name: 'ci-runner.tail1234.ts.net', os: 'linux', tags: ['tag:ci'] }, caps: [{ role: 'deploy' }] });
  });

  it('CapMap null means no capabilities', async () => {
    const whois = await client.whois('100.90.1.2', 40000);
    expect(whois?.capMap).toEqual({});
    expect(identityFromWhois(whois!, CAP)).toMatchObject({ kind: 'person', login: 'bob@example.com', caps: [] });
  });

  it.each([
    ['IPv4-mapped IPv6 (unmapped by the client; an old daemon would 404 it)', '::ffff:100.101.102.103'],
    ['IPv6 as [v6]:port', 'fd7a:115c:a1e0::f001:6667'],
  ])('whois finds the node from %s', async (_what, address) => {
    expect((await client.whois(address, 443))?.node.stableId).toBe('nK3mZp2CNTRL');
  });

  it('whois of an address outside the tailnet is null (404 no match)', async () => {
    expect(await client.whois('192.0.2.7', 5555)).toBeNull();
  });

  it('huge IDs corrupt nothing: two machines whose numeric IDs round alike stay apart, and no number leaks out', async () => {
    const [mac, phone] = await Promise.all([client.whois('100.101.102.103', 1), client.whois('100.101.102.104', 1)]);
    expect([mac?.node.stableId, phone?.node.stableId]).toEqual(['nK3mZp2CNTRL', 'nPh0neCNTRL']);
    expect([identityFromWhois(mac!, CAP).caps, identityFromWhois(phone!, CAP).caps]).toEqual([[{ role: 'admin' }, { hosts: ['tag:dev'] }], [{ role: 'viewer' }]]);
    expect([...numbersIn(mac), ...numbersIn(phone), ...numbersIn(await client.status())]).toEqual([]);
  });

  it('status lists self and peers with stripped DNS names', async () => {
    const status = await client.status();
    expect(status).toMatchObject({ backendState: 'Running', tailscaleIps: ['100.64.0.1', 'fd7a:115c:a1e0::1'], magicDnsSuffix: 'tail1234.ts.net', health: [], currentTailnet: { name: 'example.com', magicDnsSuffix: 'tail1234.ts.net', magicDnsEnabled: true } });
    expect(status.self).toMatchObject({ stableId: 'nGwCNTRL', dnsName: 'porthole.tail1234.ts.net', tags: ['tag:gateway'], lastSeen: null });
    expect(status.peers.map((p) => p.stableId)).toEqual(['nK3mZp2CNTRL', 'nPh0neCNTRL', 'nB0bCNTRL', 'nC1CNTRL']);
    expect(status.peers[2]).toEqual({ stableId: 'nB0bCNTRL', hostName: 'bob-pc', dnsName: 'bob-pc.tail1234.ts.net', os: 'windows', tailscaleIps: ['100.90.1.2'], tags: [], online: false, lastSeen: '2026-07-30T08:00:00Z' });
  });

  it('status with peers: false has no peers', async () => {
    const status = await client.status({ peers: false });
    expect(status.peers).toEqual([]);
    expect(status.self?.stableId).toBe('nGwCNTRL');
    expect(double.requests.at(-1)?.url).toBe('/localapi/v0/status?peers=false');
  });

  it('probe reports the daemon version and backend state', async () => {
    expect(await client.probe()).toEqual({ ok: true, version: expect.stringMatching(daemonVersion === 'old' ? /^1\.80\./ : /^1\.103\./), backendState: 'Running' });
  });

  it('every request carried Host: local-tailscaled.sock and no Origin or Referer', () => {
    expect(double.requests.length).toBeGreaterThan(5);
    for (const { headers } of double.requests) {
      expect(headers.host).toBe('local-tailscaled.sock');
      expect(headers).not.toHaveProperty('origin');
      expect(headers).not.toHaveProperty('referer');
    }
  });
});

describe('the double enforces the contract the client relies on', () => {
  let double: TailscaledDouble;
  beforeAll(async () => (double = await startTailscaledDouble({ ...tailnet, daemonVersion: 'old' })));
  afterAll(() => double.close());
  const whoisPath = (addr: string) => `/localapi/v0/whois?addr=${encodeURIComponent(addr)}`;

  it.each([
    ['Node\'s default Host', whoisPath('100.90.1.2:1'), { host: 'localhost' }, 403, 'invalid localapi Host header'],
    ['an Origin', whoisPath('100.90.1.2:1'), { host: 'local-tailscaled.sock', origin: 'https://evil.example' }, 403, 'invalid localapi request'],
    ['a Referer', whoisPath('100.90.1.2:1'), { host: 'local-tailscaled.sock', referer: 'https://evil.example/' }, 403, 'invalid localapi request'],
    ['no addr', '/localapi/v0/whois', { host: 'local-tailscaled.sock' }, 400, "missing 'addr' parameter"],
    ['a bad addr', whoisPath('not-an-ip:1'), { host: 'local-tailscaled.sock' }, 400, "invalid 'addr' parameter"],
    ['an unstripped ::ffff: on an old daemon', whoisPath('[::ffff:100.90.1.2]:1'), { host: 'local-tailscaled.sock' }, 404, 'no match for IP:port'],
  ])('refuses %s', async (_what, path, headers, status, body) => {
    expect(await rawGet(double.socketPath, path, headers)).toEqual({ status, body: `${body}\n` });
  });

  it('writes IDs past 2^53 as raw JSON numbers, tab-indented', async () => {
    const { body } = await rawGet(double.socketPath, whoisPath('100.101.102.103'), { host: 'local-tailscaled.sock' });
    expect(body).toContain('\t\t"ID": 6742331981234567890,');
  });
});

describe('LocalAPI failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-localapi-'));
  const doubles: TailscaledDouble[] = [];
  afterEach(async () => void (await Promise.all(doubles.splice(0).map((d) => d.close()))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('403 access denied on whois is a forbidden error', async () => {
    const double = await startTailscaledDouble({ ...tailnet, deny: true });
    doubles.push(double);
    const error = await rejection(createLocalApiClient({ socketPath: double.socketPath }).whois('100.90.1.2', 1));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('whois access denied');
  });

  it('a missing socket says so and names the path', async () => {
    const socketPath = join(dir, 'nope.sock');
    const client = createLocalApiClient({ socketPath });
    expect((await rejection(client.status())).kind).toBe('missing-socket');
    expect(await client.probe()).toEqual({ ok: false, kind: 'missing-socket', reason: expect.stringContaining(`no tailscaled socket at ${socketPath}`) });
  });

  it.each([
    ['a plain file', async (path: string) => writeFileSync(path, 'not a socket')],
    ['a stale socket nobody listens on', async (path: string) => {
      // Closing a listener unlinks its socket file, so move the file away first to keep a dead socket behind.
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(`${path}.live`, resolve));
      renameSync(`${path}.live`, path);
      await new Promise((resolve) => server.close(resolve));
    }],
  ])('%s is a refused connection', async (what, make) => {
    const socketPath = join(dir, `${what.replace(/\W+/g, '-')}.sock`);
    await make(socketPath);
    const result = await createLocalApiClient({ socketPath }).probe();
    expect(result).toEqual({ ok: false, kind: 'refused', reason: expect.stringContaining(socketPath) });
  });

  it('a daemon that never answers times out within the configured time', async () => {
    const double = await startTailscaledDouble({ ...tailnet, hang: true });
    doubles.push(double);
    const client = createLocalApiClient({ socketPath: double.socketPath, timeoutMs: 150 });
    const started = performance.now();
    const error = await rejection(client.whois('100.101.102.103', 1));
    const elapsed = performance.now() - started;
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain(double.socketPath);
    expect(error.message).toContain('150 ms');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_000);
    expect((await client.probe()).ok).toBe(false);
  });

  it('an answer bigger than the cap is a bad response', async () => {
    const double = await startTailscaledDouble(tailnet);
    doubles.push(double);
    const error = await rejection(createLocalApiClient({ socketPath: double.socketPath, maxBodyBytes: 512 }).status());
    expect(error.kind).toBe('bad-response');
  });
});
