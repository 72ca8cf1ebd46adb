// Unit tests for fingerprints, key-type parsing and the trust-on-first-use verdict.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { algorithmOf, fingerprintOf, judgeHostKey } from './host-key.js';

function sshString(s: string | Buffer): Buffer {
  const body = typeof s === 'string' ? Buffer.from(s) : s;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

const ed25519Blob = Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(32, 7))]);

describe('host keys', () => {
  it('fingerprints like ssh-keygen: SHA256 and unpadded base64', () => {
    const expected = createHash('sha256').update(ed25519Blob).digest('base64');
    expect(expected.endsWith('=')).toBe(true);
    expect(fingerprintOf(ed25519Blob)).toBe(`SHA256:${expected.replace(/=+$/, '')}`);
  });

  it.each([
    [ed25519Blob, 'ssh-ed25519'],
    [Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('x')]), 'ecdsa-sha2-nistp256'],
    [Buffer.from([0, 0]), 'unknown'],
    [Buffer.from([0, 0, 0, 200, 1, 2]), 'unknown'],
    [sshString('bad name\n'), 'unknown'],
  ])('reads the key type of %#', (blob, algorithm) => {
    expect(algorithmOf(blob)).toBe(algorithm);
  });

  it.each([
    [undefined, 'SHA256:a', 'unknown'],
    ['SHA256:a', 'SHA256:a', 'trusted'],
    ['SHA256:a', 'SHA256:b', 'changed'],
  ] as const)('pinned %s, presented %s -> %s', (pinned, presented, verdict) => {
    const pin = pinned ? { algorithm: 'ssh-ed25519', fingerprint: pinned } : undefined;
    expect(judgeHostKey(pin, { algorithm: 'ssh-ed25519', fingerprint: presented })).toBe(verdict);
  });
});
