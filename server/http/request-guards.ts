// Middleware that refuses requests before they reach a route: wrong Host, cross-site state changes, no login.
import type { MiddlewareHandler } from 'hono';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/api-types.js';
import type { Identity } from '../auth/identity.js';
import type { LocalAuth } from '../auth/local-auth.js';
import { ApiFailure } from './errors.js';
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

/**
 * Logs the caller in from a bearer token or the session cookie and enforces CSRF for cookie logins:
 * a state change needs our custom header (a cross-site form or fetch cannot send it without a CORS
 * preflight we never grant) and, when present, our own Origin. Bearer tokens are never sent by a
 * browser on its own, so they need neither.
 */
export function requireIdentity(auth: LocalAuth, policy: OriginPolicy): MiddlewareHandler<GatewayEnv> {
  return async function requireIdentity(c, next) {
    const authorizationHeader = c.req.header('authorization');
    const identity = await auth.identify({ cookieHeader: c.req.header('cookie'), authorizationHeader });
    if (!identity) throw new ApiFailure('unauthorized', 'log in with the owner link printed by the gateway, or send a valid API token');
    if (identity.via === 'browser' && !SAFE_METHODS.has(c.req.method)) assertSameSite(c.req.header(CSRF_HEADER), c.req.header('origin'), policy);
    c.set('identity', identity);
    await next();
  };
}

export function assertSameSite(csrfHeader: string | undefined, origin: string | undefined, policy: OriginPolicy): void {
  if (csrfHeader !== CSRF_HEADER_VALUE) throw new ApiFailure('csrf', `state-changing requests must send the ${CSRF_HEADER} header`);
  if (!isAllowedOrigin(policy, origin)) throw new ApiFailure('csrf', `requests from origin "${origin}" are refused`);
}

/** CSP and friends on every response: our own scripts only, no framing, no sniffing, no referrer leaks. */
export function securityHeaders(): MiddlewareHandler {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
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
