// Middleware that refuses requests before they reach a route: wrong Host, cross-site state changes, no login.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/api-types.js';
import { isFunnelRequest, type AuthRequest, type Authenticator } from '../auth/authenticator.js';
import type { Identity } from '../auth/identity.js';
import { can, type Action, type HostFacts } from '../policy/can.js';
import { ApiFailure } from './errors.js';
import { isServeSocket } from './serve-socket.js';
import { isAllowedHost, isAllowedOrigin, type OriginPolicy } from './origin-policy.js';

export type GatewayEnv = { Variables: { identity: Identity } };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A page served under a foreign name (DNS rebinding) must not reach the API, even without cookies. */
export function hostGuard(policy: OriginPolicy): MiddlewareHandler {
  return async function hostGuard(c, next) {
    if (!isAllowedHost(policy, c.req.header('host'))) {
      throw new ApiFailure('forbidden', `this gateway does not answer to the host name "${c.req.header('host') ?? ''}"`);
    }
    await next();
  };
}

/** Guest links live here; it is the only path a Funnel (public internet) request may reach. */
export const GUEST_PATH_PREFIX = '/share/';

/**
 * Funnel publishes a whole port, not a path (tailscale.md), so the app itself refuses every Funnel request
 * outside the guest routes, before any route or the page is reached.
 */
export function funnelGuard(): MiddlewareHandler {
  return async function funnelGuard(c, next) {
    if (isFunnelRequest((name) => c.req.header(name)) && !c.req.path.startsWith(GUEST_PATH_PREFIX)) {
      throw new ApiFailure('forbidden', 'this address is open to the public internet only for shared links');
    }
    await next();
  };
}

/** What the authenticator needs from a Hono request: the socket's peer and the headers. */
export function authRequestOf(c: Context): AuthRequest {
  const { remote } = getConnInfo(c);
  const socket = (c.env as { incoming?: { socket?: object } } | undefined)?.incoming?.socket;
  return { remoteAddress: remote.address ?? '', remotePort: remote.port ?? 0, header: (name) => c.req.header(name), fromServeSocket: isServeSocket(socket) };
}

/**
 * Identifies the caller (owner cookie, tailnet whois, serve headers or API token) and enforces CSRF for
 * every ambient login: a state change needs our custom header (a cross-site form or fetch cannot send it
 * without a CORS preflight we never grant) and, when present, our own Origin. Bearer tokens are never
 * sent by a browser on its own, so they need neither.
 */
export function requireIdentity(authenticator: Authenticator, policy: OriginPolicy): MiddlewareHandler<GatewayEnv> {
  return async function requireIdentity(c, next) {
    const outcome = await authenticator.identify(authRequestOf(c));
    if (!outcome.ok) {
      throw new ApiFailure(outcome.refusal === 'unavailable' ? 'unavailable' : outcome.refusal === 'funnel' ? 'forbidden' : 'unauthorized', outcome.reason);
    }
    const { identity } = outcome;
    if (identity.via !== 'token' && !SAFE_METHODS.has(c.req.method)) assertSameSite(c.req.header(CSRF_HEADER), c.req.header('origin'), policy);
    c.set('identity', identity);
    await next();
  };
}

/** Throws 403 unless the policy allows the caller this action (on this host); the message says what is missing. */
export function assertAllowed(identity: Identity, action: Action, host?: HostFacts & { label?: string }): void {
  if (can(identity.permissions, action, host)) return;
  const what =
    action.kind === 'manage-hosts' ? 'manage hosts and credentials (admins only)'
    : action.kind === 'watch' ? 'watch shared sessions'
    : `${action.kind === 'share' ? 'share' : 'open'} ${host?.label ?? host?.name ?? 'this host'} over ${action.protocol.toUpperCase()}${action.kind === 'connect' && action.account ? ` as ${action.account}` : ''}`;
  throw new ApiFailure('forbidden', `${identity.name} may not ${what}`);
}

export function assertSameSite(csrfHeader: string | undefined, origin: string | undefined, policy: OriginPolicy): void {
  if (csrfHeader !== CSRF_HEADER_VALUE) throw new ApiFailure('csrf', `state-changing requests must send the ${CSRF_HEADER} header`);
  if (!isAllowedOrigin(policy, origin)) throw new ApiFailure('csrf', `requests from origin "${origin}" are refused`);
}

/** CSP and friends on every response: our own scripts only, no framing, no sniffing, no referrer leaks. */
export function securityHeaders(): MiddlewareHandler {
  const csp = [
    "default-src 'self'",
    // The recordings player (asciinema-player) runs its terminal emulator as WebAssembly: compiling it is
    // allowed, eval of JavaScript is not.
    "script-src 'self' 'wasm-unsafe-eval'",
    // xterm.js writes <style> elements for its themes; scripts stay locked down.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
  return async function securityHeaders(c, next) {
    await next();
    c.header('Content-Security-Policy', csp);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (c.req.path.startsWith('/api/')) c.header('Cache-Control', 'no-store');
  };
}
