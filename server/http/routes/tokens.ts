// /api/tokens: the owner's API tokens for scripts; a token is shown once, at creation, and stored hashed.
import { Hono } from 'hono';
import { createApiTokenSchema } from '../../../shared/api-types.js';
import type { LocalAuth } from '../../auth/local-auth.js';
import type { ApiTokenRecord } from '../../store/types.js';
import type { Logger } from '../../log.js';
import { ApiFailure, readJson } from '../errors.js';
import { assertAllowed, type GatewayEnv } from '../request-guards.js';

export function tokenRoutes(auth: LocalAuth, log: Logger) {
  const app = new Hono<GatewayEnv>();
  // Tokens act with the owner's full rights, so only admins make or see them.
  app.use('*', async (c, next) => {
    assertAllowed(c.get('identity'), { kind: 'manage-hosts' });
    await next();
  });
  const view = ({ owner, ...token }: ApiTokenRecord) => ({ ...token, owner: owner?.name ?? null });
  app.get('/', async (c) => c.json((await auth.listApiTokens()).map(view)));
  app.post('/', async (c) => {
    const { name } = await readJson(c, createApiTokenSchema);
    const created = await auth.createApiToken(name, c.get('identity'));
    log.info({ event: 'token.created', id: created.id, name, by: c.get('identity').principal }, 'API token created');
    return c.json({ ...view(created), token: created.token }, 201);
  });
  app.delete('/:id', async (c) => {
    if (!(await auth.deleteApiToken(c.req.param('id')))) throw new ApiFailure('not-found', 'no such token');
    log.info({ event: 'token.deleted', id: c.req.param('id'), by: c.get('identity').name }, 'API token deleted');
    return c.body(null, 204);
  });
  return app;
}
