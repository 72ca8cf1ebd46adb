// Pure host-key logic: OpenSSH-style fingerprints and the trust-on-first-use decision.
import { createHash } from 'node:crypto';
import type { HostKeyInfo } from '../../../shared/terminal-protocol.js';

/** "SHA256:" + unpadded base64 of the key blob's SHA-256, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the blob's first SSH string (uint32 length + bytes), e.g. "ssh-ed25519". */
export function algorithmOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) return 'unknown';
  const name = keyBlob.subarray(4, 4 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(name) ? name : 'unknown';
}

export function describeHostKey(keyBlob: Buffer): HostKeyInfo {
  return { algorithm: algorithmOf(keyBlob), fingerprint: fingerprintOf(keyBlob) };
}

export type HostKeyVerdict = 'trusted' | 'unknown' | 'changed';

/** Compare what the host presented with what we pinned. Fingerprints compare the whole key. */
export function judgeHostKey(pinned: HostKeyInfo | undefined, presented: HostKeyInfo): HostKeyVerdict {
  if (!pinned) return 'unknown';
  return pinned.fingerprint === presented.fingerprint ? 'trusted' : 'changed';
}
