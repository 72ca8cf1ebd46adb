// Pure checks on Host and Origin headers: the gateway answers only to its own names (DNS-rebinding and CSWSH defence).

export interface OriginPolicy {
  /** Host header values we answer to, lower case, with port. */
  allowedHosts: Set<string>;
  /** Origins a page of ours can have. */
  allowedOrigins: Set<string>;
}

/** Loopback names for the bound port, plus configured public origins (e.g. a `tailscale serve` name). */
export function buildOriginPolicy(port: number, publicOrigins: string[], extraHostNames: string[] = []): OriginPolicy {
  const names = ['127.0.0.1', 'localhost', '[::1]', ...extraHostNames];
  const allowedHosts = new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
  const allowedOrigins = new Set(names.map((n) => `http://${n}:${port}`.toLowerCase()));
  for (const o of publicOrigins) {
    const url = new URL(o);
    allowedOrigins.add(url.origin.toLowerCase());
    allowedHosts.add(url.host.toLowerCase());
  }
  return { allowedHosts, allowedOrigins };
}

export function isAllowedHost(policy: OriginPolicy, host: string | undefined): boolean {
  return !!host && policy.allowedHosts.has(host.toLowerCase());
}

/** `undefined` Origin is allowed here; callers decide whether a missing Origin is acceptable. */
export function isAllowedOrigin(policy: OriginPolicy, origin: string | undefined): boolean {
  return origin === undefined || policy.allowedOrigins.has(origin.toLowerCase());
}
