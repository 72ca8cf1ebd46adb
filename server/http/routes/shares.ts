// /api/shares: an owner's share links: create, list, revoke, the audit trail, and removing one guest.
import { Hono } from 'hono';
import { createShareSchema } from '../../../shared/share-types.js';
import type { ShareService } from '../../share/share-service.js';
import { readJson } from '../errors.js';
import { authRequestOf, type GatewayEnv } from '../request-guards.js';
import { asApiFailure } from './guest.js';

export function shareRoutes(shares: ShareService, fallbackOrigin: string) {
  const app = new Hono<GatewayEnv>();

  app.get('/', async (c) => c.json(await mapped(shares.list(c.get('identity')))));

  app.post('/', async (c) => {
    const input = await readJson(c, createShareSchema);
    // The link points where the owner's page is (their origin passed the CSRF check), unless it is for Funnel.
    const origin = c.req.header('origin') ?? fallbackOrigin;
    return c.json(await mapped(shares.create(c.get('identity'), input, origin, authRequestOf(c).remoteAddress)), 201);
  });

  app.delete('/:id', async (c) => {
    await mapped(shares.revoke(c.get('identity'), c.req.param('id'), authRequestOf(c).remoteAddress));
    return c.body(null, 204);
  });

  app.get('/:id/events', async (c) => c.json(await mapped(shares.events(c.get('identity'), c.req.param('id')))));

  app.delete('/:id/guests/:viewerId', async (c) => {
    await mapped(shares.removeGuest(c.get('identity'), c.req.param('id'), c.req.param('viewerId'), authRequestOf(c).remoteAddress));
    return c.body(null, 204);
  });

  return app;
}

/** ShareError becomes the API's error shape (status from its code). */
async function mapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw asApiFailure(error);
  }
}
