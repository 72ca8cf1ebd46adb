// Tests the secret box (AES-256-GCM round trip, tamper and wrong-key refusal) and the key file's creation and checks.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, loadOrCreateSecretKey, SecretBoxError } from './secret-box.js';

const box = createSecretBox(randomBytes(32));

/** Flips one bit of the decoded payload at `index` (negative counts from the end). */
function flipByte(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(3), 'base64');
  const i = index < 0 ? raw.length + index : index;
  raw[i] = raw[i]! ^ 0x01;
  return 'v1.' + raw.toString('base64');
}

describe('secret box', () => {
  it.each([
    ['empty', ''],
    ['password JSON', JSON.stringify({ method: 'password', password: 'hunter2' })],
    ['unicode', JSON.stringify({ method: 'password', password: 'pässwörd 🔑' })],
    ['16 KiB key', JSON.stringify({ method: 'key', privateKey: 'k'.repeat(16 * 1024) })],
  ])('round-trips %s', (_name, plaintext) => {
    const sealed = box.encrypt(plaintext);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain(plaintext || '\u0000');
    expect(box.decrypt(sealed)).toBe(plaintext);
  });

  it('uses a fresh IV per message', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it.each([
    ['IV', (s: string) => flipByte(s, 0)],
    ['tag', (s: string) => flipByte(s, 12)],
    ['ciphertext', (s: string) => flipByte(s, -1)],
    ['truncated', (s: string) => s.slice(0, 20)],
    ['dropped last byte', (s: string) => 'v1.' + Buffer.from(s.slice(3), 'base64').subarray(0, -1).toString('base64')],
    ['unknown version', (s: string) => 'v2.' + s.slice(3)],
    ['no version', (s: string) => s.slice(3)],
  ])('refuses a tampered box: %s', (_name, tamper) => {
    expect(() => box.decrypt(tamper(box.encrypt('{"secret":1}')))).toThrow(SecretBoxError);
  });

  it('refuses a box made under another key, without echoing the plaintext', () => {
    const sealed = createSecretBox(randomBytes(32)).encrypt('top secret');
    expect(() => box.decrypt(sealed)).toThrow(/cannot decrypt/);
    expect(() => box.decrypt(sealed)).not.toThrow(/top secret/);
  });

  it.each([
    ['missing context', 'host:a', undefined],
    ['other context', 'host:a', 'host:b'],
    ['context added', undefined, 'host:a'],
  ])('refuses a box opened with the wrong context: %s', (_name, sealedWith, openedWith) => {
    expect(() => box.decrypt(box.encrypt('x', sealedWith), openedWith)).toThrow(SecretBoxError);
  });

  it('opens a box with the context it was sealed with', () => {
    expect(box.decrypt(box.encrypt('x', 'host:a'), 'host:a')).toBe('x');
  });

  it.each([0, 16, 31, 33])('refuses a %d-byte key', (n) => {
    expect(() => createSecretBox(randomBytes(n))).toThrow(`secret key must be 32 bytes, got ${n}`);
  });
});

describe('loadOrCreateSecretKey', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'porthole-key-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the data dir 0700 and a 32-byte key file 0600, then reads the same key back', () => {
    const dataDir = join(root, 'nested', 'data');
    const key = loadOrCreateSecretKey(dataDir);
    expect(key).toHaveLength(32);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const file = join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).equals(key)).toBe(true);
    expect(loadOrCreateSecretKey(dataDir).equals(key)).toBe(true);
  });

  it('leaves no temp files behind', () => {
    loadOrCreateSecretKey(root);
    expect(readdirSync(root)).toEqual(['secret.key']);
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o620])('refuses a key file with mode %o, naming the file', (mode) => {
    const file = join(root, 'secret.key');
    writeFileSync(file, randomBytes(32), { mode: 0o600 });
    chmodSync(file, mode);
    expect(() => loadOrCreateSecretKey(root)).toThrow(new RegExp(`${file}.*other users may read it`));
  });

  it.each([0, 16, 31, 33, 64])('refuses a %d-byte key file, naming the file', (size) => {
    const file = join(root, 'secret.key');
    writeFileSync(file, randomBytes(size), { mode: 0o600 });
    expect(() => loadOrCreateSecretKey(root)).toThrow(`secret key file ${file} is ${size} bytes, expected 32`);
  });

  it('refuses a directory in place of the key file', () => {
    mkdirSync(join(root, 'secret.key'), { mode: 0o700 });
    expect(() => loadOrCreateSecretKey(root)).toThrow(/not a regular file/);
  });
});

