// Pure parts of the mesh layer: the whois address format and the whois-to-identity mapping.
import { describe, expect, it } from 'vitest';
import { formatWhoisAddr } from './localapi-client.js';
import type { WhoisResult } from './types.js';
import { identityFromWhois } from './whois-identity.js';

describe('formatWhoisAddr', () => {
  it.each([
    ['100.101.102.103', 51234, '100.101.102.103:51234'],
    ['::ffff:100.101.102.103', 443, '100.101.102.103:443'],
    ['::FFFF:100.64.0.1', 1, '100.64.0.1:1'],
    ['fd7a:115c:a1e0::f001:6667', 22, '[fd7a:115c:a1e0::f001:6667]:22'],
    ['::1', 65535, '[::1]:65535'],
    ['::ffff:fd7a', 8, '[::ffff:fd7a]:8'],
  ])('%s port %i -> %s', (address, port, expected) => {
    expect(formatWhoisAddr(address, port)).toBe(expected);
  });

  it.each([
    ['alice-mbp', 1, /remoteAddress "alice-mbp" is not an IP address/],
    ['', 1, /remoteAddress "" is not an IP address/],
    ['100.64.0.1', 0, /remotePort 0 is not a TCP port/],
    ['100.64.0.1', 70000, /remotePort 70000/],
    ['100.64.0.1', Number.NaN, /remotePort NaN/],
  ])('refuses %j port %s', (address, port, message) => {
    expect(() => formatWhoisAddr(address, port)).toThrow(message);
  });
});

const CAP = 'example.com/cap/porthole';
function whois(over: { tags?: string[]; loginName?: string; displayName?: string; capMap?: Record<string, unknown[]> } = {}): WhoisResult {
  return {
    node: { stableId: 'nK3mZp2CNTRL', name: 'alice-mbp.tail1234.ts.net.', os: 'macOS', tags: over.tags ?? [], addresses: ['100.101.102.103'] },
    user: { loginName: over.loginName ?? 'alice@example.com', displayName: over.displayName ?? 'Alice' },
    capMap: over.capMap ?? {},
  };
}

describe('identityFromWhois', () => {
  it('a person gets the values of the configured capability only', () => {
    const identity = identityFromWhois(whois({ capMap: { [CAP]: [{ admin: true }], 'other.example/cap/x': [{ admin: true }] } }), CAP);
    expect(identity).toEqual({ kind: 'person', login: 'alice@example.com', displayName: 'Alice', node: { stableId: 'nK3mZp2CNTRL', name: 'alice-mbp.tail1234.ts.net', os: 'macOS', tags: [] }, caps: [{ admin: true }] });
  });

  it.each([
    ['tags present', { tags: ['tag:ci'], loginName: 'tagged-devices' }, ['tag:ci']],
    ['tagged-devices login even without tags (fails closed)', { loginName: 'tagged-devices' }, []],
  ])('tagged device: %s', (_what, over, tags) => {
    expect(identityFromWhois(whois(over), CAP)).toMatchObject({ kind: 'tagged-device', tags });
  });

  it.each(['constructor', '__proto__', 'toString'])('a capability named %s reads nothing from the prototype', (name) => {
    expect(identityFromWhois(whois(), name).caps).toEqual([]);
  });

  it('an empty display name falls back to the login; an empty capability name is refused', () => {
    expect(identityFromWhois(whois({ displayName: '' }), CAP)).toMatchObject({ displayName: 'alice@example.com' });
    expect(() => identityFromWhois(whois(), '')).toThrow(/capabilityName is empty/);
  });
});
