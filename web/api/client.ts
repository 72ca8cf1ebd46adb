// The one fetch wrapper: JSON in and out, the CSRF header on every state change, typed errors.
import type { ApiError } from '../../shared/api-types';
import { CSRF_HEADER as csrfHeader, CSRF_HEADER_VALUE as csrfValue } from '../../shared/csrf';

/** An API call that failed; `code` is the server's error code, or 'network' when no answer came. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From a 429's Retry-After header: how many seconds to wait before trying again. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const unauthorizedListeners = new Set<() => void>();

/** Called whenever any request answers 401: the cookie expired or was never set. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  /** Do not raise the global "signed out" page on 401 (the login form handles it itself). */
  quietUnauthorized?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // The server refuses cookie-authenticated state changes without this header (docs/api.md, CSRF).
  if (method !== 'GET') headers[csrfHeader] = csrfValue;
  if (body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiRequestError(0, 'network', 'The gateway could not be reached. Check your connection to the tailnet.');
  }

  if (response.status === 401 && !options.quietUnauthorized) {
    for (const listener of unauthorizedListeners) listener();
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function toError(response: Response): Promise<ApiRequestError> {
  let payload: Partial<ApiError> | undefined;
  try {
    payload = (await response.json()) as Partial<ApiError>;
  } catch {
    payload = undefined;
  }
  const code = payload?.error?.code ?? `http-${response.status}`;
  const message = payload?.error?.message ?? `The gateway answered ${response.status} ${response.statusText}`.trim();
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiRequestError(response.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

/** A message for a caught error that is fine to show a person. */
export function errorText(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
