// Starts an in-process gateway on a free loopback port with a temp data dir, a captured log and a logged-in API client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { HostView } from '../../shared/api-types.js';
import { embeddedConfig, type GatewayConfig } from '../../server/config/config.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { createLogger, type Logger } from '../../server/log.js';
import { redeemLoginLink, sessionCookieOf } from './login.js';
import { cookieApi } from './api-client.js';
import { TerminalClient } from './terminal-client.js';

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** Everything the gateway logged, as JSON lines (tests assert secrets never appear here). */
  logText(): string;
  /** Cookie of a browser login made through the one-time link. */
  cookie: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  addHost(host: { name: string; address: string; port: number; username: string; auth: unknown; protocol?: string; recording?: { mode: 'off' | 'on' | 'required'; input?: boolean } }): Promise<HostView>;
  openTerminal(hostId: string, options?: { cols?: number; rows?: number; trustHostKey?: boolean }): Promise<{ client: TerminalClient; sessionId: string }>;
  attach(sessionId: string, options?: { cols?: number; rows?: number }): Promise<TerminalClient>;
  close(): Promise<void>;
}

/** A debug-level logger whose lines the test can read back (tests assert secrets never appear in them). */
export function capturedLog(): { log: Logger; logText(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), logText: () => lines.join('') };
}

/** Resolves like an /etc/hosts with only loopback names, so no test ever sends a DNS query off the machine. */
export async function hostsFileLookup(name: string): Promise<string> {
  if (name === 'localhost' || name.endsWith('.localhost')) return '127.0.0.1';
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
}

export interface TestGatewayOptions {
  /** The clock share links expire by (GatewayOptions.now); real time when omitted. */
  now?: () => number;
}

export async function startTestGateway(overrides: Partial<GatewayConfig> = {}, connectTimeoutMs = 5_000, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'porthole-test-'));
  const { log, logText } = capturedLog();
  const config = embeddedConfig(dataDir, { detachGraceMs: 60_000, ...overrides });
  const gateway = await startGateway(config, {
    log,
    connectTimeoutMs,
    lookup: hostsFileLookup,
    now: options.now,
  });
  const url = gateway.url;
  const origin = url;

  const login = await redeemLoginLink(await gateway.newLoginLink());
  if (login.status !== 204) throw new Error(`login failed: HTTP ${login.status} ${await login.text()}`);
  const cookie = sessionCookieOf(login);

  const api = cookieApi(url, cookie);

  function attach(sessionId: string, options: { cols?: number; rows?: number; trustHostKey?: boolean } = {}) {
    const wsUrl = `${url.replace('http', 'ws')}/api/sessions/${sessionId}/terminal?cols=${options.cols ?? 80}&rows=${options.rows ?? 24}`;
    return TerminalClient.open({ url: wsUrl, headers: { cookie, origin }, trustHostKey: options.trustHostKey ?? true });
  }

  return {
    gateway,
    url,
    cookie,
    logText,
    api,
    async addHost(host) {
      const res = await api<HostView>('POST', '/api/hosts', host);
      if (res.status !== 201) throw new Error(`add host failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async openTerminal(hostId, options = {}) {
      const res = await api<{ id: string }>('POST', '/api/sessions', { hostId });
      if (res.status !== 201) throw new Error(`open session failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { client: await attach(res.body.id, options), sessionId: res.body.id };
    },
    attach,
    async close() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
