// One error type for request failures and the one handler that turns every error into `{ error: { code, message } }`.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import type { Logger } from '../log.js';
import { StoreConflictError } from '../store/types.js';

export type ApiErrorCode =
  | 'bad-request' | 'unauthorized' | 'forbidden' | 'csrf' | 'not-found' | 'conflict' | 'too-large' | 'unavailable' | 'bad-gateway' | 'internal'
  // Guest routes (share links): see GuestRefusal in shared/share-types.ts.
  | 'passcode-required' | 'wrong-passcode' | 'rate-limited' | 'expired' | 'revoked' | 'used-up' | 'ended' | 'tailnet-only';

const STATUS: Record<ApiErrorCode, ContentfulStatusCode> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  csrf: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  internal: 500,
  'bad-gateway': 502,
  unavailable: 503,
  'passcode-required': 401,
  'wrong-passcode': 401,
  'rate-limited': 429,
  expired: 410,
  revoked: 410,
  'used-up': 410,
  ended: 410,
  'tailnet-only': 403,
};

export class ApiFailure extends HTTPException {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Rate-limited answers say when to try again (Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(STATUS[code], { message });
  }
}

/** Never a stack trace to the client; unexpected errors are logged with their detail and answered generically. */
export function errorHandler(log: Logger) {
  return function onError(err: Error, c: Context): Response {
    if (err instanceof ApiFailure) {
      if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    if (err instanceof ZodError) {
      const message = err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      return c.json({ error: { code: 'bad-request', message } }, 400);
    }
    if (err instanceof StoreConflictError) return c.json({ error: { code: 'conflict', message: err.message } }, 409);
    if (err instanceof HTTPException) {
      const code: ApiErrorCode = err.status === 413 ? 'too-large' : err.status === 400 ? 'bad-request' : 'internal';
      return c.json({ error: { code, message: err.message || code } }, err.status as ContentfulStatusCode);
    }
    log.error({ event: 'http.internal_error', err, path: c.req.path }, 'request failed');
    return c.json({ error: { code: 'internal', message: 'The gateway hit an internal error; see its log.' } }, 500);
  };
}

/** Reads and validates a JSON body with a zod schema; a missing or non-JSON body is a 400 that says so. */
export async function readJson<T>(c: Context, schema: { parse(v: unknown): T }): Promise<T> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiFailure('bad-request', 'the request body must be JSON');
  }
  return schema.parse(body);
}
