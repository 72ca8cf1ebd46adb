// Request identity against the tailscaled double: whois wins, serve headers only from loopback, forged headers ignored, Funnel has none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalApiClient } from '../../server/mesh/localapi-client.js';
import { cachedWhois, identifyRequest, type RequestFacts } from '../../server/mesh/request-identity.js';
import { decodeRfc2047 } from '../../server/mesh/rfc2047.js';
import type { WhoisResult } from '../../server/mesh/types.js';
import { startTailscaledDouble, type DoubleNode, type TailscaledDouble } from '../support/tailscaled-double.js';

const CAP = 'example.com/cap/porthole';
const alice: DoubleNode = {
  id: 6742331981234567890n, stableId: 'nAliceCNTRL', name: 'alice-mbp.tail1234.ts.net.', hostName: 'alice-mbp', os: 'macOS',
  addresses: ['100.101.102.103'], user: { id: 3216549870123456789n, loginName: 'alice@example.com', displayName: 'Alice' },
  capMap: { [CAP]: [{ role: 'admin', hosts: ['*'], protocols: ['ssh'] }] },
};
const mallory: DoubleNode = {
  id: 6742331981234567999n, stableId: 'nMalloryCNTRL', name: 'mallory.tail1234.ts.net.', hostName: 'mallory', os: 'linux',
  addresses: ['100.66.6.6'], user: { id: 3216549870123456999n, loginName: 'mallory@example.com', displayName: 'Mallory' },
};
const ci: DoubleNode = { id: 7000000000000000001n, stableId: 'nCiCNTRL', name: 'ci.tail1234.ts.net.', hostName: 'ci', os: 'linux', addresses: ['100.70.0.9'], tags: ['tag:ci'] };
const self: DoubleNode = { id: 7000000000000000002n, stableId: 'nGwCNTRL', name: 'porthole.tail1234.ts.net.', hostName: 'porthole', os: 'linux', addresses: ['100.64.0.1'], tags: ['tag:gateway'] };

function facts(remoteAddress: string, headers: Record<string, string> = {}, remotePort = 51234): RequestFacts {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { remoteAddress, remotePort, header: (name) => lower[name] };
}

describe('identifyRequest', () => {
  let double: TailscaledDouble;
  let whois: ReturnType<typeof createLocalApiClient>['whois'];
  beforeAll(async () => {
    double = await startTailscaledDouble({ self, peers: [alice, mallory, ci] });
    const client = createLocalApiClient({ socketPath: double.socketPath });
    whois = (a, p) => client.whois(a, p);
  });
  afterAll(() => double?.close());

  it('names a tailnet person by whois, with their app capabilities', async () => {
    const id = await identifyRequest(facts('::ffff:100.101.102.103'), whois, CAP);
    expect(id).toMatchObject({ kind: 'mesh', identity: { kind: 'person', login: 'alice@example.com', caps: [{ role: 'admin' }] } });
  });

  it('names a tagged device by its tags', async () => {
    expect(await identifyRequest(facts('100.70.0.9'), whois, CAP)).toMatchObject({ kind: 'mesh', identity: { kind: 'tagged-device', tags: ['tag:ci'] } });
  });

  it('ignores forged serve headers from a peer whois knows: the request is that peer', async () => {
    const forged = facts('100.66.6.6', { 'Tailscale-User-Login': 'alice@example.com', 'Tailscale-User-Name': 'Alice' });
    const id = await identifyRequest(forged, whois, CAP);
    expect(id).toMatchObject({ kind: 'mesh', identity: { kind: 'person', login: 'mallory@example.com', caps: [] } });
  });

  it('trusts serve headers only from loopback when whois has no match, decoding RFC 2047 names', async () => {
    const viaServe = facts('127.0.0.1', { 'Tailscale-User-Login': 'jurgen@example.com', 'Tailscale-User-Name': '=?utf-8?q?J=C3=BCrgen_M=C3=BCller?=' });
    expect(await identifyRequest(viaServe, whois, CAP)).toEqual({ kind: 'serve', login: 'jurgen@example.com', displayName: 'Jürgen Müller', caps: [] });
    const fromLan = facts('192.168.1.50', { 'Tailscale-User-Login': 'jurgen@example.com' });
    expect(await identifyRequest(fromLan, whois, CAP)).toMatchObject({ kind: 'anonymous' });
  });

  it('reads serve\'s app-capabilities header (Q-encoded JSON) for the configured capability only', async () => {
    const capMap = JSON.stringify({ [CAP]: [{ role: 'operator', hosts: ['tag:lab'] }], 'other.example/cap/x': [{ role: 'admin' }] });
    const qEncoded = `=?utf-8?q?${[...Buffer.from(capMap)].map((b) => (b > 32 && b < 127 && b !== 61 && b !== 63 && b !== 95 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;
    const viaServe = facts('127.0.0.1', { 'Tailscale-User-Login': 'bob@example.com', 'Tailscale-App-Capabilities': qEncoded });
    expect(await identifyRequest(viaServe, whois, CAP)).toMatchObject({ kind: 'serve', caps: [{ role: 'operator', hosts: ['tag:lab'] }] });
    const garbled = facts('127.0.0.1', { 'Tailscale-User-Login': 'bob@example.com', 'Tailscale-App-Capabilities': '=?utf-8?q?{not json?=' });
    expect(await identifyRequest(garbled, whois, CAP)).toMatchObject({ kind: 'serve', caps: [] });
  });

  it.each([
    ['a Funnel request carries no identity', facts('127.0.0.1', { 'Tailscale-Funnel-Request': '?1', 'Tailscale-User-Login': 'alice@example.com' }), 'funnel'],
    ['loopback without headers is anonymous', facts('127.0.0.1'), 'anonymous'],
    ['an unknown tailnet address is anonymous', facts('100.99.99.99'), 'anonymous'],
  ])('%s', async (_name, request, kind) => {
    expect((await identifyRequest(request, whois, CAP)).kind).toBe(kind);
  });
});

describe('cachedWhois', () => {
  const found: WhoisResult = { node: { stableId: 'n1', name: 'a.ts.net.', tags: [], addresses: ['100.1.1.1'] }, user: { loginName: 'a@b.c', displayName: 'A' }, capMap: {} };

  it('asks once per ip:port within the TTL, again after it, and never caches failures', async () => {
    let calls = 0;
    let fail = false;
    let clock = 0;
    const lookup = cachedWhois(async () => {
      calls++;
      if (fail) throw new Error('daemon down');
      return found;
    }, 1000, () => clock);
    await lookup('100.1.1.1', 1);
    await lookup('100.1.1.1', 1);
    expect(calls).toBe(1);
    clock = 1001;
    await lookup('100.1.1.1', 1);
    expect(calls).toBe(2);
    fail = true;
    await expect(lookup('100.1.1.1', 2)).rejects.toThrow('daemon down');
    await new Promise((r) => setImmediate(r));
    await expect(lookup('100.1.1.1', 2)).rejects.toThrow('daemon down');
    expect(calls).toBe(4);
  });

  it('never remembers "no match", nor any answer for a loopback ip:port (reused by unrelated local connections)', async () => {
    let calls = 0;
    let answer: WhoisResult | null = null;
    const lookup = cachedWhois(async () => (calls++, answer), 60_000, () => 0);
    await lookup('100.1.1.1', 1);
    await new Promise((r) => setImmediate(r));
    answer = found;
    expect(await lookup('100.1.1.1', 1)).toBe(found);
    await lookup('127.0.0.1', 5000);
    await lookup('::ffff:127.0.0.1', 5000);
    await lookup('127.0.0.1', 5000);
    expect(calls).toBe(5);
  });
});

describe('decodeRfc2047', () => {
  it.each([
    ['plain', 'plain'],
    ['=?utf-8?q?Ren=C3=A9e?=', 'Renée'],
    ['=?UTF-8?B?5Lit5paH?=', '中文'],
    ['=?utf-8?q?a?= =?utf-8?q?b?=', 'ab'],
    ['=?iso-8859-1?q?Fran=E7ois?=', 'François'],
    ['=?x-unknown?q?abc?=', '=?x-unknown?q?abc?='],
  ])('%s -> %s', (input, output) => {
    expect(decodeRfc2047(input)).toBe(output);
  });
});
