// Whether a LocalAPI socket found at a default path may be trusted: in a world-writable directory anyone could have planted it.
import { lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Null when the socket may be used, else why not. Whoever answers on the socket decides every identity,
 * so a default path under /tmp (the QNAP and Docker-image defaults) must not be a socket another local
 * user created: below the first world-writable ancestor, the socket and every directory must belong to
 * root or to us. Paths under protected directories (e.g. /var/run, Synology's package dir) need no check.
 */
export function socketTrustProblem(socketPath: string, ownUid = process.getuid?.() ?? 0): string | null {
  let info;
  try {
    info = lstatSync(socketPath);
  } catch {
    return null; // absent: the probe says so in its own words
  }
  if (!info.isSocket()) return `${socketPath} is not a socket`;
  const chain: string[] = [socketPath];
  let dir = dirname(socketPath);
  for (;;) {
    const mode = statSync(dir).mode;
    // World-writable (sticky or not): anyone could have created what is missing below it.
    if ((mode & 0o002) !== 0) {
      const trusted = (uid: number) => uid === 0 || uid === ownUid;
      for (const path of chain) {
        const uid = lstatSync(path).uid;
        if (!trusted(uid)) return `refusing the tailscaled socket at ${socketPath}: ${path} belongs to uid ${uid}, not root, in a world-writable directory (configure the socket path explicitly to use it)`;
      }
      return null;
    }
    if (dir === dirname(dir)) return null;
    chain.push(dir);
    dir = dirname(dir);
  }
}
