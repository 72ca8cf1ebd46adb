// Tests random token generation and the SHA-256 hashes the store keeps instead of raw tokens.
import { describe, expect, it } from 'vitest';
import { hashSecret, newSecretToken } from './tokens.js';

describe('newSecretToken', () => {
  it.each([
    ['no prefix', undefined, ''],
    ['a prefix', 'pht_', 'pht_'],
  ])('makes 256-bit base64url tokens with %s', (_name, prefix, expected) => {
    const token = newSecretToken(prefix);
    expect(token.startsWith(expected)).toBe(true);
    const body = token.slice(expected.length);
    expect(body).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(body, 'base64url')).toHaveLength(32);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newSecretToken()));
    expect(tokens.size).toBe(1000);
  });
});

describe('hashSecret', () => {
  it.each([
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ])('hashes %j as SHA-256 hex', (input, hex) => {
    expect(hashSecret(input)).toBe(hex);
  });

  it('is stable and distinguishes tokens', () => {
    const a = newSecretToken();
    expect(hashSecret(a)).toBe(hashSecret(a));
    expect(hashSecret(a)).not.toBe(hashSecret(newSecretToken()));
    expect(hashSecret(a)).not.toContain(a);
  });
});
