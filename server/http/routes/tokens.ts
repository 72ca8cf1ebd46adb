// /api/tokens: the owner's API tokens for scripts; a token is shown once, at creation, and stored hashed.
import { Hono } from 'hono';
import { createApiTokenSchema } from '../../../shared/api-types.js';
import { actorOf } from '../../audit/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { LocalAuth } from '../../auth/local-auth.js';
import type { ApiTokenRecord } from '../../store/types.js';
import type { Logger } from '../../log.js';
import { ApiFailure, readJson } from '../errors.js';
import { assertAllowed, authRequestOf, type GatewayEnv } from '../request-guards.js';

export function tokenRoutes(auth: LocalAuth, log: Logger, audit: AuditLog) {
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
    // The token itself is shown once to its maker and never kept: the trail has its id and name only.
    audit.record({ action: 'token.created', actor: actorOf(c.get('identity'), authRequestOf(c).remoteAddress), detail: { tokenId: created.id, name } });
    return c.json({ ...view(created), token: created.token }, 201);
  });
  app.delete('/:id', async (c) => {
    const name = (await auth.listApiTokens()).find((t) => t.id === c.req.param('id'))?.name;
    if (!(await auth.deleteApiToken(c.req.param('id')))) throw new ApiFailure('not-found', 'no such token');
    audit.record({ action: 'token.deleted', actor: actorOf(c.get('identity'), authRequestOf(c).remoteAddress), detail: { tokenId: c.req.param('id'), name } });
    log.info({ event: 'token.deleted', id: c.req.param('id'), by: c.get('identity').name }, 'API token deleted');
    return c.body(null, 204);
  });
  return app;
}
