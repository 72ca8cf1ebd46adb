// /api/auth: redeem the one-time owner login link for a session cookie, and log out.
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { CSRF_HEADER, redeemLoginLinkSchema } from '../../../shared/api-types.js';
import type { AuditActor, AuditLog } from '../../audit/audit-log.js';
import { OWNER_PRINCIPAL } from '../../auth/identity.js';
import { SESSION_COOKIE, type LocalAuth } from '../../auth/local-auth.js';
import type { Logger } from '../../log.js';
import { AttemptLimiter } from '../../share/attempt-limiter.js';
import { ApiFailure, readJson } from '../errors.js';
import type { OriginPolicy } from '../origin-policy.js';
import { assertSameSite, authRequestOf } from '../request-guards.js';

/** Local mode's only login is the owner's (tailnet mode has no login step: tailscaled names every request). */
const ownerFrom = (address: string): AuditActor => ({ principal: OWNER_PRINCIPAL, name: 'Owner', address: address || null });

/** Refused logins audited per address and minute: a script hammering the route must not fill the database. */
const AUDITED_REFUSALS = { failures: 5, windowMs: 60_000 };

export function authRoutes(auth: LocalAuth, policy: OriginPolicy, log: Logger, audit: AuditLog) {
  const app = new Hono();
  const refusals = new AttemptLimiter(AUDITED_REFUSALS, Date.now);
  // Login CSRF: a foreign page must not log a browser in with the attacker's link, nor log it out.
  app.use('*', async (c, next) => {
    assertSameSite(c.req.header(CSRF_HEADER), c.req.header('origin'), policy);
    await next();
  });

  app.post('/login-link', async (c) => {
    const { token } = await readJson(c, redeemLoginLinkSchema);
    const session = await auth.redeemLoginLink(token);
    const address = authRequestOf(c).remoteAddress;
    if (!session) {
      log.warn({ event: 'auth.login_link_refused' }, 'login link refused (unknown, used or expired)');
      if (refusals.retryAfter(address) === 0) audit.record({ action: 'auth.login_refused', actor: { principal: 'anonymous', name: 'Unknown', address: address || null }, detail: { method: 'login-link', reason: 'unknown, used or expired' } });
      refusals.fail(address);
      throw new ApiFailure('unauthorized', 'this login link was already used or has expired; restart the gateway or run `npm run login-link` for a new one');
    }
    setCookie(c, SESSION_COOKIE, session.sessionId, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: session.maxAgeSeconds,
      secure: new URL(c.req.url).protocol === 'https:',
    });
    log.info({ event: 'auth.login' }, 'owner logged in with the login link');
    audit.record({ action: 'auth.login', actor: ownerFrom(address), detail: { method: 'login-link' } });
    return c.body(null, 204);
  });

  app.post('/logout', async (c) => {
    const ended = await auth.logout({ cookieHeader: c.req.header('cookie') });
    if (ended) audit.record({ action: 'auth.logout', actor: ownerFrom(authRequestOf(c).remoteAddress) });
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  return app;
}
