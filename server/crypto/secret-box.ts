// Encrypts small secrets (host credentials as JSON) at rest with AES-256-GCM under the gateway's key file.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_KEY_BYTES = 32;
export const SECRET_KEY_FILE = 'secret.key';
const VERSION = 'v1.';
const IV_BYTES = 12; // 96 bits: the GCM nonce size that needs no extra hashing (NIST SP 800-38D).
const TAG_BYTES = 16;

export interface SecretBox {
  /**
   * Returns "v1." + base64(iv | tag | ciphertext). `context` is authenticated but not stored: pass what
   * the secret belongs to (e.g. a host id) so a ciphertext copied onto another row fails to open.
   */
  encrypt(plaintext: string, context?: string): string;
  /** Throws SecretBoxError when the box was tampered with, made under another key or context. */
  decrypt(box: string, context?: string): string;
}

/** Never carries plaintext or key material in its message. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) {
    throw new Error(`secret key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
  }
  const k = Buffer.from(key); // a private copy: the caller may reuse or zero its buffer
  return {
    encrypt(plaintext, context = '') {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    decrypt(box, context = '') {
      if (!box.startsWith(VERSION)) throw new SecretBoxError('secret box: unknown format (expected "v1.")');
      const raw = Buffer.from(box.slice(VERSION.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('secret box: truncated');
      const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('secret box: cannot decrypt (wrong key, wrong context or tampered data)');
      }
    },
  };
}

/**
 * Reads `<dataDir>/secret.key`, or creates it (32 random bytes, mode 0600; the dir 0700 if missing).
 * Refuses a key file of the wrong size or one other users could read: that key opens every credential.
 */
export function loadOrCreateSecretKey(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SECRET_KEY_FILE);
  return readKeyFile(path) ?? createKeyFile(path) ?? mustRead(path);
}

function readKeyFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    // fstat on the opened fd: the checks apply to the very file we read, not whatever the path points to later.
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`secret key file ${path} is not a regular file`);
    if ((st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw new Error(`secret key file ${path} has mode ${mode}; other users may read it. Run: chmod 600 ${path}`);
    }
    if (st.size !== SECRET_KEY_BYTES) {
      throw new Error(`secret key file ${path} is ${st.size} bytes, expected ${SECRET_KEY_BYTES}; refusing to start`);
    }
    const key = Buffer.alloc(SECRET_KEY_BYTES);
    if (readSync(fd, key, 0, SECRET_KEY_BYTES, 0) !== SECRET_KEY_BYTES) throw new Error(`secret key file ${path}: short read`);
    return key;
  } finally {
    closeSync(fd);
  }
}

/** Writes a temp file, then link()s it into place: readers never see a half-written key and two starters never clobber each other. */
function createKeyFile(path: string): Buffer | undefined {
  const key = randomBytes(SECRET_KEY_BYTES);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined; // another process won the race
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function mustRead(path: string): Buffer {
  const key = readKeyFile(path);
  if (!key) throw new Error(`secret key file ${path} vanished while starting`);
  return key;
}
