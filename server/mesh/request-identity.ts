// Who sent this request: whois on the socket's peer first; serve headers only from loopback when whois has no match.
import { isLoopbackAddress } from '../config/config.js';
import type { MeshIdentity, WhoisResult } from './types.js';
import { decodeRfc2047 } from './rfc2047.js';
import { identityFromWhois } from './whois-identity.js';

export type RequestIdentity =
  /** A tailnet node, named by tailscaled itself: the strongest answer. */
  | { kind: 'mesh'; identity: MeshIdentity }
  /** A person behind `tailscale serve` on this machine, named by serve's headers. */
  | { kind: 'serve'; login: string; displayName: string; caps: unknown[] }
  /** Public internet through Funnel: no identity; only guest-link routes may answer. */
  | { kind: 'funnel' }
  | { kind: 'anonymous'; reason: string };

export interface RequestFacts {
  remoteAddress: string;
  remotePort: number;
  header(name: string): string | undefined;
  /** The request came in on the unix socket `tailscale serve` proxies to, which only tailscaled reaches. */
  fromServeSocket?: boolean;
}

export interface ServeTrust {
  /**
   * Whether serve headers count on loopback TCP when whois has no match (the default, what serve's TCP
   * proxy needs). Off once serve proxies to a unix socket: then no local process can pose as serve.
   */
  loopback: boolean;
}

/**
 * The order is the security model (tailscale.md, "loopback is reachable from the tailnet in userspace
 * mode"): a peer can reach a loopback backend directly and forge Tailscale-* headers, so whois on the
 * socket decides first and, when it names a node, every Tailscale-* header is ignored. Headers count
 * only when whois knows nothing AND the socket is loopback, i.e. the request came through serve.
 */
export async function identifyRequest(
  facts: RequestFacts,
  whois: (address: string, port: number) => Promise<WhoisResult | null>,
  capabilityName: string,
  trust: ServeTrust = { loopback: true },
): Promise<RequestIdentity> {
  if (facts.fromServeSocket) return fromServeHeaders(facts, capabilityName);
  const address = facts.remoteAddress.replace(/^::ffff:/, '');
  const result = await whois(address, facts.remotePort);
  if (result) return { kind: 'mesh', identity: identityFromWhois(result, capabilityName) };
  if (!isLoopbackAddress(address)) return { kind: 'anonymous', reason: `${address} is not a tailnet node` };
  if (!trust.loopback) return { kind: 'anonymous', reason: 'loopback requests carry no identity here (tailscale serve uses the gateway\'s unix socket)' };
  return fromServeHeaders(facts, capabilityName);
}

function fromServeHeaders(facts: RequestFacts, capabilityName: string): RequestIdentity {
  if (facts.header('tailscale-funnel-request') !== undefined) return { kind: 'funnel' };
  const login = facts.header('tailscale-user-login')?.trim();
  if (!login) return { kind: 'anonymous', reason: 'a loopback request without tailscale serve identity headers' };
  const name = facts.header('tailscale-user-name');
  return { kind: 'serve', login, displayName: name ? decodeRfc2047(name) : login, caps: serveAppCaps(facts.header('tailscale-app-capabilities'), capabilityName) };
}

/**
 * Tailscale-App-Capabilities (serve with --accept-app-caps, v1.92+): Q-encoded JSON of the caller's filtered
 * CapMap. Read only on the path where serve's other headers are trusted; anything unreadable grants nothing.
 */
function serveAppCaps(header: string | undefined, capabilityName: string): unknown[] {
  if (!header) return [];
  try {
    const map: unknown = JSON.parse(decodeRfc2047(header));
    if (typeof map !== 'object' || map === null || !Object.hasOwn(map, capabilityName)) return [];
    const granted = (map as Record<string, unknown>)[capabilityName];
    return Array.isArray(granted) ? granted : [];
  } catch {
    return [];
  }
}

/**
 * A short-lived cache in front of whois: one page load makes many requests over the same connection.
 * Only named tailnet addresses are cached. Loopback ip:port pairs are reused quickly by unrelated local
 * connections (serve, netstack-forwarded peers in userspace mode), and a remembered "no match" would let
 * the next connection on that port present serve headers; both are always asked afresh.
 */
export function cachedWhois(
  whois: (address: string, port: number) => Promise<WhoisResult | null>,
  ttlMs = 5_000,
  now: () => number = Date.now,
  maxEntries = 1_000,
): (address: string, port: number) => Promise<WhoisResult | null> {
  const cache = new Map<string, { at: number; value: Promise<WhoisResult | null> }>();
  return (address, port) => {
    const key = `${address}|${port}`;
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    const value = whois(address, port);
    if (isLoopbackAddress(address.replace(/^::ffff:/, ''))) return value;
    cache.set(key, { at: now(), value });
    // Errors and "no match" are not remembered: the next request asks again.
    value.then((result) => result === null && cache.delete(key), () => cache.delete(key));
    return value;
  };
}
