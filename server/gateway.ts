// Starts one gateway: store, auth, sessions, HTTP and WebSocket on one listening socket; returns a handle to stop it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { LocalAuth } from './auth/local-auth.js';
import { assertSafeBind, gatewayUrl, type GatewayConfig } from './config/config.js';
import { QUESTION_TIMEOUT_MS, SSH_CONNECT_TIMEOUT_MS } from './config/defaults.js';
import { syncConfigHosts } from './config/sync-config-hosts.js';
import { createSecretBox, loadOrCreateSecretKey } from './crypto/secret-box.js';
import { createApp } from './http/app.js';
import { buildOriginPolicy } from './http/origin-policy.js';
import { createTerminalUpgrade } from './http/terminal/terminal-upgrade.js';
import type { Logger } from './log.js';
import { openSshShell } from './protocols/ssh/open-ssh-shell.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { openStore } from './store/index.js';
import type { Store } from './store/types.js';

export interface Gateway {
  /** e.g. http://127.0.0.1:8470 */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly sessions: SessionRegistry;
  /** Mints a one-time owner login link. */
  newLoginLink(): Promise<string>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  log: Logger;
  /** Built page; defaults to dist/web beside the sources. */
  webRoot?: string;
  connectTimeoutMs?: number;
  questionTimeoutMs?: number;
  /** Host name resolution for upstream connections (tests pass a resolver that never leaves the machine). */
  lookup?: (name: string) => Promise<string>;
}

/** The project root, whether this file runs from server/ (tsx) or from dist/server/ (built). */
const PROJECT_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/server/') ? '../../' : '../', import.meta.url));
const DEFAULT_WEB_ROOT = join(PROJECT_ROOT, 'dist', 'web');

export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  assertSafeBind(config);
  const { log } = options;
  const secretBox = createSecretBox(loadOrCreateSecretKey(config.dataDir));
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, secretBox });
  let server: Server | undefined;
  try {
    await syncConfigHosts(config.hosts, store.hosts, log);
    const auth = new LocalAuth(store.auth);
    const sessions = new SessionRegistry({
      hostKeys: store.hostKeys,
      log,
      openShell: openSshShell,
      lookup: options.lookup,
      graceMs: config.detachGraceMs,
      connectTimeoutMs: options.connectTimeoutMs ?? SSH_CONNECT_TIMEOUT_MS,
      questionTimeoutMs: options.questionTimeoutMs ?? QUESTION_TIMEOUT_MS,
    });
    server = createServer({ noDelay: true });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(config.port, config.listenHost, () => resolve());
    });
    const port = (listening.address() as AddressInfo).port;
    const policy = buildOriginPolicy(port, config.publicOrigins);
    const app = createApp({ store, auth, sessions, policy, log, webRoot: options.webRoot ?? DEFAULT_WEB_ROOT });
    listening.on('request', getRequestListener(app.fetch));
    const terminals = createTerminalUpgrade({ auth, policy, sessions, log });
    listening.on('upgrade', (req, socket, head) => terminals.handleUpgrade(req, socket, head));
    listening.on('clientError', (_err, socket) => socket.destroy());
    const url = gatewayUrl(config.listenHost, port);
    log.info({ event: 'gateway.listening', url, store: store.kind, mode: 'local' }, 'gateway listening');
    return {
      url,
      port,
      store,
      sessions,
      newLoginLink: () => auth.issueLoginLink(url),
      async close() {
        sessions.closeAll('the gateway is shutting down');
        terminals.close();
        listening.closeAllConnections();
        await new Promise<void>((resolve) => listening.close(() => resolve()));
        await store.close();
      },
    };
  } catch (err) {
    server?.close();
    await store.close();
    throw err;
  }
}
