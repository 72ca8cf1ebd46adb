// DES and the VNC challenge response against published vectors and OpenSSL's legacy des-ecb as an independent oracle.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { desEncryptBlock, vncAuthResponse, vncKey } from './des.js';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('desEncryptBlock', () => {
  it.each([
    // FIPS 46 worked example (also in most DES textbooks).
    ['133457799bbcdff1', '0123456789abcdef', '85e813540f0ab405'],
    // NBS/NIST validation vectors (SP 500-20): an all-zero key and the "Now is t" classic.
    ['0123456789abcdef', '4e6f772069732074', '3fa40e8a984d4815'],
    ['0000000000000000', '0000000000000000', '8ca64de9c1b123a7'],
    ['ffffffffffffffff', 'ffffffffffffffff', '7359b2163e4edc58'],
  ])('key %s, block %s -> %s', (key, block, expected) => {
    expect(Buffer.from(desEncryptBlock(hex(key), hex(block))).toString('hex')).toBe(expected);
  });

  it('rejects keys and blocks that are not 8 bytes', () => {
    expect(() => desEncryptBlock(new Uint8Array(7), new Uint8Array(8))).toThrow(/8-byte/);
  });

  // A second opinion from OpenSSL (legacy provider, allowed in a test child only) over random keys and blocks.
  it('agrees with OpenSSL des-ecb on random keys and blocks', () => {
    const cases = Array.from({ length: 20 }, () => [randomBytes(8).toString('hex'), randomBytes(8).toString('hex')]);
    const script = `const c = require('node:crypto'); const cases = ${JSON.stringify(cases)};
      console.log(JSON.stringify(cases.map(([k, b]) => { const x = c.createCipheriv('des-ecb', Buffer.from(k, 'hex'), null);
      x.setAutoPadding(false); return Buffer.concat([x.update(Buffer.from(b, 'hex')), x.final()]).toString('hex'); })));`;
    let oracle: string[];
    try {
      oracle = JSON.parse(execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script], { encoding: 'utf8' }));
    } catch (error) {
      console.warn(`[des] no OpenSSL legacy provider for the cross-check: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    cases.forEach(([key, block], i) => expect(Buffer.from(desEncryptBlock(hex(key!), hex(block!))).toString('hex')).toBe(oracle[i]));
  });
});

describe('VNC authentication', () => {
  it.each([
    ['secret', 'cea6c64ea62e0000'],
    ['', '0000000000000000'],
    ['password123', '0e86ceceeef64e26'], // truncated to "password"
  ])('key for %j mirrors each byte: %s', (password, expected) => {
    expect(Buffer.from(vncKey(password)).toString('hex')).toBe(expected);
  });

  // Expected values computed with OpenSSL's des-ecb over the mirrored key, independently of this module.
  it.each([
    ['secret', 'ee22539f33a5983ec12f9c2edbc995dd'],
    ['password123', 'b866924125c8eebb9debc1db61c538e2'],
    ['', '491e890de9ace932838a49792f2213f3'],
    ['é', '0c21d6b463a1339eda9ac5163528bf70'],
  ])('answers challenge 00..0f with password %j', (password, expected) => {
    expect(vncAuthResponse(hex('000102030405060708090a0b0c0d0e0f'), password).toString('hex')).toBe(expected);
  });
});
