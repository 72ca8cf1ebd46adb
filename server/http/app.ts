// Assembles the Hono app: guards, the API routes and the web page, with one error handler.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { MeView } from '../../shared/api-types.js';
import type { LocalAuth } from '../auth/local-auth.js';
import type { Logger } from '../log.js';
import type { SessionRegistry } from '../sessions/session-registry.js';
import type { Store } from '../store/types.js';
import { ApiFailure, errorHandler } from './errors.js';
import type { OriginPolicy } from './origin-policy.js';
import { hostGuard, requireIdentity, securityHeaders, type GatewayEnv } from './request-guards.js';
import { authRoutes } from './routes/auth.js';
import { hostRoutes } from './routes/hosts.js';
import { sessionRoutes } from './routes/sessions.js';
import { tokenRoutes } from './routes/tokens.js';
import { webPages } from './web-pages.js';

export interface AppDeps {
  store: Store;
  auth: LocalAuth;
  sessions: SessionRegistry;
  policy: OriginPolicy;
  log: Logger;
  webRoot: string;
}

export function createApp(deps: AppDeps) {
  const { store, auth, sessions, policy, log } = deps;
  const app = new Hono<GatewayEnv>();
  app.onError(errorHandler(log));
  app.use('*', securityHeaders());
  app.use('*', hostGuard(policy));
  app.use('/api/*', bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new ApiFailure('too-large', 'request body over 64 KiB'); } }));

  app.get('/api/health', (c) => c.json({ ok: true }));
  app.route('/api/auth', authRoutes(auth, policy, log));

  const api = new Hono<GatewayEnv>();
  api.use('*', requireIdentity(auth, policy));
  api.get('/me', (c) => {
    const identity = c.get('identity');
    return c.json({ identity: { kind: identity.via === 'token' ? 'token' : 'owner', name: identity.name }, mode: 'local' } satisfies MeView);
  });
  api.route('/hosts', hostRoutes(store, sessions, log));
  api.route('/sessions', sessionRoutes(store, sessions));
  api.route('/tokens', tokenRoutes(auth, log));
  api.all('*', () => {
    throw new ApiFailure('not-found', 'no such API route');
  });
  app.route('/api', api);

  app.route('/', webPages(deps.webRoot));
  return app;
}
