// Reads the one-time login token from a URL fragment ("#TOKEN" or "#token=TOKEN"); pure.

export function tokenFromHash(hash: string): string | null {
  let raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw.startsWith('token=')) raw = raw.slice('token='.length);
  try {
    raw = decodeURIComponent(raw).trim();
  } catch {
    return null;
  }
  // The server accepts 16..200 characters (redeemLoginLinkSchema); whitespace means a mangled copy.
  return /^\S{16,200}$/.test(raw) ? raw : null;
}
