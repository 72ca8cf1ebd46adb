// Unit tests for tokenFromHash.
import { describe, expect, it } from 'vitest';
import { tokenFromHash } from './login-token';

const token = 'Xy3_-abcdefghijklmnopqrstuvwx';

describe('tokenFromHash', () => {
  it.each([
    [`#${token}`, token],
    [`#token=${token}`, token],
    [token, token],
    ['', null],
    ['#', null],
    ['#short', null],
    ['#has space in it and more', null],
    ['#%E0%A4%A', null],
    [`#${'a'.repeat(201)}`, null],
  ])('%s -> %s', (hash, expected) => {
    expect(tokenFromHash(hash)).toBe(expected);
  });
});
