// Random bearer secrets (login links, session ids, API tokens) and the hashes the store keeps instead of them.
import { createHash, randomBytes } from 'node:crypto';

/** 256 bits: far past guessing range even with a rate limiter that fails open. */
export const SECRET_TOKEN_BYTES = 32;

/** A fresh base64url token of 256 random bits, after an optional human-readable prefix (e.g. "pht_"). */
export function newSecretToken(prefix = ''): string {
  return prefix + randomBytes(SECRET_TOKEN_BYTES).toString('base64url');
}

/**
 * SHA-256 hex of a token. A plain (unsalted, fast) hash is enough here because the tokens carry 256 random
 * bits; it keeps a leaked database from handing out working links, sessions or API tokens.
 */
export function hashSecret(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
