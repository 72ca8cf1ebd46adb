// Remembers, per browser, which terminal tab was active and which sessions were detached on purpose.

const ACTIVE_KEY = 'porthole.terminal.active';
const DETACHED_KEY = 'porthole.terminal.detached';

// Storage can throw (private mode, quota, disabled cookies); losing these hints is harmless.
function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* ignored: see above */
  }
}

export function rememberActive(sessionId: string): void {
  write(ACTIVE_KEY, sessionId);
}

export function rememberedActive(): string | null {
  return read(ACTIVE_KEY);
}

export function detachedSessions(): Set<string> {
  try {
    const list: unknown = JSON.parse(read(DETACHED_KEY) ?? '[]');
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Detached sessions are not re-opened as tabs on the next page load (they stay listed on the Hosts page). */
export function setDetached(sessionId: string, detached: boolean): void {
  const set = detachedSessions();
  if (detached) set.add(sessionId);
  else set.delete(sessionId);
  write(DETACHED_KEY, JSON.stringify([...set]));
}

/** Forgets sessions that no longer exist, so the list does not grow forever. */
export function pruneDetached(liveIds: Set<string>): void {
  const set = detachedSessions();
  write(DETACHED_KEY, JSON.stringify([...set].filter((id) => liveIds.has(id))));
}
