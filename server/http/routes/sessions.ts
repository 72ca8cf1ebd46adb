// /api/sessions: open, list and end terminal sessions (the terminal stream itself is a WebSocket, see terminal-socket.ts).
import { Hono } from 'hono';
import { createSessionSchema } from '../../../shared/api-types.js';
import { CloseCode } from '../../../shared/close-codes.js';
import type { SessionRegistry } from '../../sessions/session-registry.js';
import type { Store } from '../../store/types.js';
import { ApiFailure, readJson } from '../errors.js';
import type { GatewayEnv } from '../request-guards.js';

export function sessionRoutes(store: Store, sessions: SessionRegistry) {
  const app = new Hono<GatewayEnv>();

  app.get('/', (c) => c.json(sessions.listFor(c.get('identity').principal).map((s) => s.view())));

  app.post('/', async (c) => {
    const { hostId } = await readJson(c, createSessionSchema);
    const host = await store.hosts.get(hostId);
    if (!host) throw new ApiFailure('not-found', `no host with id "${hostId}"`);
    const session = sessions.create(c.get('identity').principal, host);
    return c.json(session.view(), 201);
  });

  app.delete('/:id', (c) => {
    const session = sessions.get(c.req.param('id'));
    // Someone else's session answers exactly like a missing one: ids are not an oracle.
    if (!session || session.principal !== c.get('identity').principal) throw new ApiFailure('not-found', 'no such session');
    session.end(CloseCode.sessionEnded, 'ended by its owner');
    return c.body(null, 204);
  });

  return app;
}
