// A last line of defence for audit details: keys that name a secret are dropped, whatever a caller passed by mistake.
const SECRET_KEY = /^(password|passphrase|private_?key|passcode|token|secret|credential|cookie|authorization)$/i;

/** A copy of `detail` without secret-named keys, at any depth; callers should never pass secrets in the first place. */
export function scrubDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> {
  return detail ? (scrub(detail, 0) as Record<string, unknown>) : {};
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (!SECRET_KEY.test(key)) out[key] = scrub(v, depth + 1);
  return out;
}
