// Talks to tailscaled's LocalAPI over its unix socket (whois, status, a start-up probe), bounded in time and size.
import { request, type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { z } from 'zod';
import { statusSchema, whoisSchema, type StatusResult, type WhoisResult } from './types.js';

/** tailscaled answers 403 to any other Host (Node would send "localhost"): it is its DNS-rebinding defence. */
export const LOCALAPI_HOST = 'local-tailscaled.sock';
export const DEFAULT_TIMEOUT_MS = 2_000;
/** A whois or a status with a few hundred peers is far below this; anything bigger is not tailscaled talking. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export type LocalApiErrorKind = 'missing-socket' | 'refused' | 'timeout' | 'forbidden' | 'bad-response' | 'io' | `http-${number}`;

/** Every failure of the client, with a `kind` callers branch on and a message that names the socket. */
export class LocalApiError extends Error {
  constructor(
    readonly kind: LocalApiErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LocalApiError';
  }
}

export interface LocalApiClientOptions {
  /** e.g. /var/run/tailscale/tailscaled.sock; differs on Synology, QNAP and the Docker image (TS_SOCKET). */
  socketPath: string;
  /** Whole-request deadline (connect, headers and body). */
  timeoutMs?: number;
  maxBodyBytes?: number;
}

export type ProbeResult = { ok: true; version: string; backendState: string } | { ok: false; kind: LocalApiErrorKind; reason: string };

export interface LocalApiClient {
  readonly socketPath: string;
  /** Who is behind this TCP peer address; null when it is not a tailnet address (404 no match). */
  whois(remoteAddress: string, remotePort: number): Promise<WhoisResult | null>;
  status(options?: { peers?: boolean }): Promise<StatusResult>;
  /** For start-up: never throws, says in words why tailscaled cannot be used. */
  probe(): Promise<ProbeResult>;
}

interface RawResponse {
  status: number;
  version: string | undefined;
  body: string;
}

/** The whois `addr` for a socket's remote end: `IP:port` or `[v6]:port`, IPv4-mapped IPv6 unmapped. */
export function formatWhoisAddr(remoteAddress: string, remotePort: number): string {
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; daemons before v1.102 do not unmap it and answer 404.
  const ip = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress)?.[1] ?? remoteAddress;
  const family = isIP(ip);
  if (family === 0) throw new TypeError(`whois: remoteAddress ${JSON.stringify(remoteAddress)} is not an IP address`);
  if (!Number.isInteger(remotePort) || remotePort < 1 || remotePort > 65535) {
    throw new TypeError(`whois: remotePort ${String(remotePort)} is not a TCP port (1-65535)`);
  }
  return family === 6 ? `[${ip}]:${remotePort}` : `${ip}:${remotePort}`;
}

function socketError(error: NodeJS.ErrnoException, socketPath: string): LocalApiError {
  switch (error.code) {
    case 'ENOENT':
      return new LocalApiError('missing-socket', `no tailscaled socket at ${socketPath} (is tailscaled running, and is the socket path right?)`, { cause: error });
    case 'ECONNREFUSED':
      // Also what connecting to a stale socket file or a plain file gives.
      return new LocalApiError('refused', `tailscaled socket at ${socketPath} refused the connection (stale socket, or not a socket)`, { cause: error });
    case 'EACCES':
      return new LocalApiError('io', `no permission to open the tailscaled socket at ${socketPath}`, { cause: error });
    default:
      return new LocalApiError('io', `talking to tailscaled at ${socketPath} failed: ${error.message}`, { cause: error });
  }
}

export function createLocalApiClient(options: LocalApiClientOptions): LocalApiClient {
  const { socketPath, timeoutMs = DEFAULT_TIMEOUT_MS, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options;
  if (!socketPath) throw new TypeError('createLocalApiClient: socketPath is empty');
  if (!(timeoutMs > 0)) throw new TypeError(`createLocalApiClient: timeoutMs ${timeoutMs} must be a positive number`);

  function get(path: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (error: LocalApiError) =>
        finish(() => {
          req.destroy();
          reject(error);
        });
      // No Origin or Referer, ever: tailscaled refuses any request that carries one (browser-borne requests).
      const req = request({ socketPath, path, method: 'GET', agent: false, headers: { Host: LOCALAPI_HOST, Accept: 'application/json' } }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) fail(new LocalApiError('bad-response', `tailscaled at ${socketPath} answered GET ${path} with more than ${maxBodyBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const version = res.headers['tailscale-version'];
          finish(() => resolve({ status: res.statusCode ?? 0, version: Array.isArray(version) ? version[0] : version, body: Buffer.concat(chunks).toString('utf8') }));
        });
        res.on('error', (error) => fail(socketError(error, socketPath)));
      });
      // One deadline for the whole exchange: a daemon that accepts and never answers must not hang a login.
      timer = setTimeout(() => fail(new LocalApiError('timeout', `tailscaled at ${socketPath} did not answer GET ${path} within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (error) => fail(socketError(error, socketPath)));
      req.on('close', () => fail(new LocalApiError('io', `tailscaled at ${socketPath} closed the connection before answering GET ${path}`)));
      req.end();
    });
  }

  function expectOk(res: RawResponse, path: string): void {
    if (res.status === 200) return;
    const said = res.body.trim().slice(0, 200);
    if (res.status === 403) throw new LocalApiError('forbidden', `tailscaled at ${socketPath} refused GET ${path}: 403 ${said}`);
    throw new LocalApiError(`http-${res.status}`, `tailscaled at ${socketPath} answered GET ${path} with HTTP ${res.status}: ${said}`);
  }

  function parse<S extends z.ZodType>(schema: S, res: RawResponse, path: string): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch (error) {
      throw new LocalApiError('bad-response', `tailscaled at ${socketPath} answered GET ${path} with invalid JSON`, { cause: error });
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new LocalApiError('bad-response', `tailscaled at ${socketPath} answered GET ${path} with an unexpected shape at ${where}: ${issue?.message}`, { cause: parsed.error });
  }

  async function whois(remoteAddress: string, remotePort: number): Promise<WhoisResult | null> {
    const path = `/localapi/v0/whois?addr=${encodeURIComponent(formatWhoisAddr(remoteAddress, remotePort))}`;
    const res = await get(path);
    // Only the documented "no match" 404 means "not a tailnet peer"; any other 404 (say, the endpoint moved)
    // is an error, so a caller falling back to serve headers on null never does so by accident.
    if (res.status === 404 && res.body.startsWith('no match')) return null;
    expectOk(res, path);
    return parse(whoisSchema, res, path);
  }

  async function fetchStatus(peers: boolean): Promise<{ result: StatusResult; headerVersion: string | undefined }> {
    const path = peers ? '/localapi/v0/status' : '/localapi/v0/status?peers=false';
    const res = await get(path);
    expectOk(res, path);
    return { result: parse(statusSchema, res, path), headerVersion: res.version };
  }

  async function status(statusOptions: { peers?: boolean } = {}): Promise<StatusResult> {
    return (await fetchStatus(statusOptions.peers !== false)).result;
  }

  async function probe(): Promise<ProbeResult> {
    try {
      const { result, headerVersion } = await fetchStatus(false);
      return { ok: true, version: headerVersion ?? (result.version || 'unknown'), backendState: result.backendState };
    } catch (error) {
      if (error instanceof LocalApiError) return { ok: false, kind: error.kind, reason: error.message };
      return { ok: false, kind: 'io', reason: `probing tailscaled at ${socketPath} failed: ${String(error)}` };
    }
  }

  return { socketPath, whois, status, probe };
}
