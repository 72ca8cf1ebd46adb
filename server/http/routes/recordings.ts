// /api/recordings: list, search, fetch and delete session recordings. Admins see every recording; others only their own sessions'.
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import { HOST_PROTOCOLS } from '../../../shared/api-types.js';
import type { RecordingSearchResult } from '../../../shared/recording-types.js';
import { actorOf } from '../../audit/actor.js';
import type { Identity } from '../../auth/identity.js';
import { can } from '../../policy/can.js';
import { SearchBusyError, type RecordingService } from '../../record/recording-service.js';
import { SealedRecordingError } from '../../record/sealed-records.js';
import type { RecordingRecord } from '../../store/types.js';
import { ApiFailure } from '../errors.js';
import { assertAllowed, authRequestOf, type GatewayEnv } from '../request-guards.js';

const listQuery = z.object({
  host: z.string().min(1).max(100).optional(),
  user: z.string().min(1).max(300).optional(),
  protocol: z.enum(HOST_PROTOCOLS).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const searchQuery = z.object({
  q: z.string().trim().min(2, 'search for at least 2 characters').max(200),
  host: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.output<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new ApiFailure('bad-request', parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** Admins (who manage hosts) see every recording; anyone else only those of sessions they opened. */
function seesAll(identity: Identity): boolean {
  return can(identity.permissions, { kind: 'manage-hosts' });
}

export function recordingRoutes(recordings: RecordingService) {
  const app = new Hono<GatewayEnv>();

  app.use('*', async (c, next) => {
    const identity = c.get('identity');
    if (identity.kind === 'guest' || identity.via === 'share') throw new ApiFailure('forbidden', 'guests have no recordings');
    await next();
  });

  /** A recording the caller may not see answers exactly like a missing one: ids are not an oracle. */
  async function visible(id: string, identity: Identity): Promise<RecordingRecord> {
    const record = await recordings.get(id);
    if (!record || (!seesAll(identity) && record.principal !== identity.principal)) throw new ApiFailure('not-found', 'no such recording');
    return record;
  }

  app.get('/', async (c) => {
    const identity = c.get('identity');
    const q = parseQuery(listQuery, c.req.query());
    const principal = seesAll(identity) ? q.user : identity.principal;
    return c.json(await recordings.list({ principal, hostId: q.host, protocol: q.protocol, before: q.before, limit: q.limit }));
  });

  app.get('/search', async (c) => {
    const identity = c.get('identity');
    const q = parseQuery(searchQuery, c.req.query());
    let found;
    try {
      found = await recordings.search(q.q, { principal: seesAll(identity) ? undefined : identity.principal, hostId: q.host }, q.limit, c.req.raw.signal);
    } catch (error) {
      if (error instanceof SearchBusyError) throw new ApiFailure('rate-limited', error.message);
      throw error;
    }
    const result: RecordingSearchResult = {
      hits: found.hits.map(({ recording, match }) => ({ recording, at: match.at, line: match.line, stream: match.stream })),
      searched: found.searched,
      truncated: found.truncated,
    };
    return c.json(result);
  });

  app.get('/:id', async (c) => c.json(recordings.view(await visible(c.req.param('id'), c.get('identity')))));

  /** The recording as the file holds it now, unsealed (a live one grows; a player reads what is there). */
  app.get('/:id/file', async (c) => {
    const record = await visible(c.req.param('id'), c.get('identity'));
    let reader;
    try {
      reader = await recordings.openReader(record);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiFailure('not-found', 'the recording file is gone (deleted by retention?)');
      if (error instanceof SealedRecordingError) throw new ApiFailure('conflict', error.message);
      throw error;
    }
    const extension = record.format === 'asciicast' ? 'cast' : 'guac';
    const name = `porthole-${record.hostName.replace(/[^A-Za-z0-9._-]+/g, '_')}-${new Date(record.startedAt).toISOString().replace(/[:.]/g, '-')}.${extension}`;
    c.header('Content-Type', record.format === 'asciicast' ? 'application/x-asciicast' : 'application/octet-stream');
    c.header('Content-Disposition', `${c.req.query('download') ? 'attachment' : 'inline'}; filename="${name}"`);
    // HEAD sends no body, and a stream nobody reads would hold its file open.
    if (c.req.method === 'HEAD') {
      reader.stream.destroy();
      return c.body(null);
    }
    // No Content-Length: a sealed file's plaintext size is known only once it has been read.
    return c.body(Readable.toWeb(reader.stream) as ReadableStream<Uint8Array>);
  });

  app.delete('/:id', async (c) => {
    const identity = c.get('identity');
    assertAllowed(identity, { kind: 'manage-hosts' });
    const outcome = await recordings.remove(c.req.param('id'), actorOf(identity, authRequestOf(c).remoteAddress));
    if (outcome === 'missing') throw new ApiFailure('not-found', 'no such recording');
    if (outcome === 'active') throw new ApiFailure('conflict', 'this recording is still being written; end its session first');
    return c.body(null, 204);
  });

  return app;
}
