// /share/api: what a guest's page calls (all under /share/, the one path Funnel may reach): open a link with its token.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CSRF_HEADER } from '../../../shared/csrf.js';
import { openShareSchema } from '../../../shared/share-types.js';
import type { Authenticator } from '../../auth/authenticator.js';
import type { ShareService } from '../../share/share-service.js';
import { ShareError } from '../../share/share-errors.js';
import { ApiFailure, readJson } from '../errors.js';
import type { OriginPolicy } from '../origin-policy.js';
import { assertSameSite, authRequestOf } from '../request-guards.js';
import { guestRequestOf } from '../share/guest-request.js';

export function guestRoutes(deps: { authenticator: Authenticator; shares: ShareService; policy: OriginPolicy }) {
  const app = new Hono();
  app.use('*', bodyLimit({ maxSize: 4 * 1024, onError: () => { throw new ApiFailure('too-large', 'request body over 4 KiB'); } }));

  app.post('/open', async (c) => {
    // No ambient login opens a link, but the same CSRF rule keeps other sites from spending its uses.
    assertSameSite(c.req.header(CSRF_HEADER), c.req.header('origin'), deps.policy);
    const guest = await guestRequestOf(deps.authenticator, authRequestOf(c));
    const { token, passcode } = await readJson(c, openShareSchema);
    try {
      return c.json(await deps.shares.open(token, passcode, guest));
    } catch (error) {
      throw asApiFailure(error);
    }
  });

  app.all('*', () => {
    throw new ApiFailure('not-found', 'no such guest route');
  });
  return app;
}

export function asApiFailure(error: unknown): unknown {
  return error instanceof ShareError ? new ApiFailure(error.code, error.message, error.retryAfterSeconds) : error;
}
