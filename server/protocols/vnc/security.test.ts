// Unit tests for choosing security types and subtypes, and for what each failure is called.
import { describe, expect, it } from 'vitest';
import { chooseSecurityType, chooseVencryptScheme, refusalError, securityResultError } from './security.js';

describe('chooseSecurityType', () => {
  it.each([
    [[1, 2, 19], { password: 'p' }, 19],
    [[1, 2], { password: 'p' }, 2],
    [[1, 2], {}, 1],
    [[2, 1], {}, 1],
    [[19, 2], {}, 19], // VeNCrypt may still offer TLSNone
    [[16, 1], {}, 1],
  ])('offered %j with %j -> %i', (offered, credentials, expected) => {
    expect(chooseSecurityType(offered, credentials)).toBe(expected);
  });

  it.each([
    [[2], {}, 'password-required', /asks for a password/],
    [[6], { password: 'p' }, 'unsupported-security', /^the server offers only RA2ne \(6\), which Porthole does not support$/],
    [[5, 16], {}, 'unsupported-security', /RA2 \(5\) and Tight \(16\)/],
  ])('offered %j with %j -> %s', (offered, credentials, kind, message) => {
    expect(() => chooseSecurityType(offered, credentials)).toThrow(expect.objectContaining({ kind, message: expect.stringMatching(message) }));
  });
});

describe('chooseVencryptScheme', () => {
  it.each([
    [[256, 257, 258, 259, 260, 261, 262], { username: 'u', password: 'p' }, 262],
    [[256, 257, 258, 259, 260, 261, 262], { password: 'p' }, 261],
    [[256, 257, 258, 259], { password: 'p' }, 258],
    [[258, 257], {}, 257],
    [[256, 2], { username: 'u', password: 'p' }, 2], // cleartext Plain only as a last resort
    [[256], { username: 'u', password: 'p' }, 256],
  ])('offered %j with %j -> %i', (offered, credentials, expected) => {
    expect(chooseVencryptScheme(offered, credentials).type).toBe(expected);
  });

  it('asks for a user name for Plain-only servers', () => {
    expect(() => chooseVencryptScheme([259], { password: 'p' })).toThrow(expect.objectContaining({ kind: 'password-required', message: expect.stringMatching(/user name/) }));
  });

  it('names unknown subtypes', () => {
    expect(() => chooseVencryptScheme([263, 999], {})).toThrow(/VeNCrypt TLSSASL \(263\) and unknown \(999\)/);
  });
});

describe('failure kinds', () => {
  it.each([
    ['', 'blacklisted'],
    ['Too many security failures', 'blacklisted'],
    ['Connection rejected by user', 'server-refused'],
  ])('refusal %j -> %s', (reason, kind) => {
    expect(refusalError(reason).kind).toBe(kind);
  });

  it.each([
    [1, 'Authentication failure', 'vnc', 'wrong-password'],
    [1, '', 'plain', 'wrong-password'],
    [1, 'Access denied', 'none', 'server-refused'],
    [2, '', 'vnc', 'blacklisted'],
    [1, 'Too many authentication failures', 'vnc', 'blacklisted'],
  ] as const)('SecurityResult %i %j after %s -> %s', (status, reason, auth, kind) => {
    const error = securityResultError(status, reason, auth);
    expect(error.kind).toBe(kind);
    if (reason) expect(error.message).toContain(reason);
  });
});
