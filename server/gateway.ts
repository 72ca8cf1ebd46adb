// Starts one gateway: mode, store, auth, sessions, HTTP and WebSocket on every planned address; returns a handle to stop it.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createAuditLog, type QueuedAuditLog } from './audit/create-audit-log.js';
import { auditArrivals } from './audit/arrivals.js';
import { localAuthenticator, tailnetAuthenticator, type Authenticator } from './auth/authenticator.js';
import { LocalAuth } from './auth/local-auth.js';
import { gatewayUrl, type GatewayConfig } from './config/config.js';
import { QUESTION_TIMEOUT_MS, SSH_CONNECT_TIMEOUT_MS } from './config/defaults.js';
import { syncConfigHosts } from './config/sync-config-hosts.js';
import { createSecretBox, loadOrCreateSecretKey } from './crypto/secret-box.js';
import { createApp } from './http/app.js';
import { buildOriginPolicy } from './http/origin-policy.js';
import { markServeSocket } from './http/serve-socket.js';
import { createDesktopUpgrade, DESKTOP_PATH } from './http/desktop/desktop-upgrade.js';
import { createTerminalUpgrade } from './http/terminal/terminal-upgrade.js';
import type { Logger } from './log.js';
import { chooseMode, type ModeDecision } from './mesh/choose-mode.js';
import { planListenAddresses, type ListenAddress } from './mesh/listen-plan.js';
import type { LocalApiClient } from './mesh/localapi-client.js';
import { PeerDirectory } from './mesh/peer-directory.js';
import type { ProbePorts } from './mesh/port-probe.js';
import { cachedWhois } from './mesh/request-identity.js';
import { openSshShell } from './protocols/ssh/open-ssh-shell.js';
import { createVncOpener } from './protocols/vnc/open-vnc-desktop.js';
import { createRdpOpener } from './protocols/rdp/open-rdp-desktop.js';
import { findRdpHelper, RDP_UNAVAILABLE_REASON } from './protocols/rdp/helper-path.js';
import { RdpError } from './protocols/rdp/errors.js';
import { WorkerPool } from './protocols/vnc/worker/worker-pool.js';
import { RecordingService } from './record/recording-service.js';
import { DesktopSessionRegistry } from './sessions/desktop-session-registry.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { ShareService } from './share/share-service.js';
import { createGuestUpgrade, GUEST_UPGRADE_PATH } from './http/share/guest-upgrade.js';
import { authRequestOfUpgrade, refuseUpgrade } from './http/upgrade-identity.js';
import { isFunnelRequest } from './auth/authenticator.js';
import { openStore } from './store/index.js';
import type { Store } from './store/types.js';

export interface Gateway {
  /** A loopback URL this process answers on, e.g. http://127.0.0.1:8470 (what local tools and tests use). */
  readonly url: string;
  /** What a person opens: the MagicDNS name in tailnet mode, else `url`. */
  readonly publicUrl: string;
  readonly port: number;
  readonly mode: 'local' | 'tailnet';
  /** The addresses actually listened on. */
  readonly listening: string[];
  /** Tailnet mode: the socket tailscaled answered on and its version; local mode: why tailnet was not used. */
  readonly modeDetail: { socket: string; version: string; capability: string } | { reasons: string[] };
  readonly store: Store;
  readonly sessions: SessionRegistry;
  readonly desktops: DesktopSessionRegistry;
  readonly shares: ShareService;
  readonly recordings: RecordingService;
  /** Who did what: record() never waits or throws; close() flushes it before the store closes. */
  readonly audit: QueuedAuditLog;
  /** Mints a one-time owner login link (local mode's login). */
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
  /** Ports probed on a tailnet machine when a person asks (tests point them at lab daemons). */
  probePorts?: ProbePorts;
  /** The clock share links expire by (tests replace it). */
  now?: () => number;
}

/** The project root, whether this file runs from server/ (tsx) or from dist/server/ (built). */
const PROJECT_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/server/') ? '../../' : '../', import.meta.url));
const DEFAULT_WEB_ROOT = join(PROJECT_ROOT, 'dist', 'web');

/**
 * One HTTP server, fed by a TCP listener per address: Node's http.Server listens on one address only, and
 * tailnet mode needs the Tailscale IPs and loopback. A Tailscale IP that is on no interface (userspace
 * networking, e.g. the Docker image's default) is skipped with a warning; loopback always binds.
 */
async function listenAll(plan: ListenAddress[], port: number, http: Server, log: Logger): Promise<{ listeners: TcpServer[]; port: number; addresses: string[] }> {
  const listeners: TcpServer[] = [];
  const addresses: string[] = [];
  let chosenPort = port;
  try {
    for (const { address, kind } of plan) {
      const listener = createTcpServer({ noDelay: true }, (socket) => http.emit('connection', socket));
      try {
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen(chosenPort, address, () => resolve());
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (kind === 'tailnet' && code === 'EADDRNOTAVAIL') {
          log.warn({ event: 'gateway.tailnet_address_unbound', address }, 'this Tailscale address is on no interface (userspace networking?); reachable through tailscale serve on loopback only');
          continue;
        }
        throw new Error(`cannot listen on ${address}:${chosenPort}: ${(error as Error).message}`, { cause: error });
      }
      listener.on('error', (err) => log.error({ event: 'gateway.listener_error', address, err }, 'listener error'));
      chosenPort = (listener.address() as AddressInfo).port;
      listeners.push(listener);
      addresses.push(address);
    }
  } catch (error) {
    listeners.forEach((l) => l.close());
    throw error;
  }
  return { listeners, port: chosenPort, addresses };
}

/**
 * The unix socket `tailscale serve` proxies to. Owner-only (tailscaled runs as root and still connects);
 * a stale file from a previous run is replaced, anything that is not a socket is refused.
 */
async function listenServeSocket(path: string, http: Server, log: Logger): Promise<TcpServer> {
  const existing = lstatOrUndefined(path);
  if (existing && !existing.isSocket()) throw new Error(`--serve-socket: ${path} exists and is not a socket`);
  if (existing) unlinkSync(path);
  const listener = createTcpServer((socket) => {
    markServeSocket(socket);
    http.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  listener.on('error', (err) => log.error({ event: 'gateway.listener_error', address: path, err }, 'listener error'));
  return listener;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Every name a browser may use for this node: MagicDNS FQDN and short name, and its Tailscale IPs. */
function tailnetHostNames(decision: Extract<ModeDecision, { mode: 'tailnet' }>): { names: string[]; dnsName: string | undefined } {
  const dnsName = decision.status.self?.dnsName || undefined;
  const names = [...(dnsName ? [dnsName, dnsName.split('.')[0]!] : []), ...decision.status.tailscaleIps.map((ip) => (ip.includes(':') ? `[${ip}]` : ip))];
  return { names, dnsName };
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  const { log } = options;
  const decision = await chooseMode({ mode: config.mode, sockets: config.tailscaleSockets, socketsConfigured: config.tailscaleSocketConfigured });
  const plan = planListenAddresses({
    mode: decision.mode,
    listenHost: config.listenHost,
    listenExplicit: config.listenExplicit,
    allowNonLoopbackBind: config.allowNonLoopbackBind,
    tailscaleIps: decision.mode === 'tailnet' ? decision.status.tailscaleIps : [],
  });
  const secretBox = createSecretBox(loadOrCreateSecretKey(config.dataDir));
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, secretBox });
  const audit = createAuditLog({ store, log, now: options.now });
  let listeners: TcpServer[] = [];
  let vncWorkers: WorkerPool | undefined;
  let recordings: RecordingService | undefined;
  try {
    await syncConfigHosts(config.hosts, store.hosts, log);
    const auth = new LocalAuth(store.auth);
    let client: LocalApiClient | undefined;
    let authenticator: Authenticator;
    if (decision.mode === 'tailnet') {
      client = decision.client;
      const whois = cachedWhois((address, port) => decision.client.whois(address, port));
      // No login step in tailnet mode: arrivals are what the audit log keeps instead.
      authenticator = auditArrivals(tailnetAuthenticator({ auth, whois, capabilityName: config.tailscaleCapability, rules: config.access, serveSocket: !!config.serveSocket, log }), audit, { now: options.now });
    } else {
      authenticator = localAuthenticator(auth);
    }
    const peers = client ? new PeerDirectory(client) : undefined;
    const recorder = new RecordingService({
      store: store.recordings, dir: config.recordings.dir, log, audit, now: options.now, secretBox, encrypt: config.recordings.encrypt,
      retention: { maxAgeMs: config.recordings.maxAgeMs, maxTotalBytes: config.recordings.maxTotalBytes },
    });
    recordings = recorder;
    await recorder.start();
    const sessions = new SessionRegistry({
      hostKeys: store.hostKeys,
      log,
      openShell: openSshShell,
      lookup: options.lookup,
      graceMs: config.detachGraceMs,
      connectTimeoutMs: options.connectTimeoutMs ?? SSH_CONNECT_TIMEOUT_MS,
      questionTimeoutMs: options.questionTimeoutMs ?? QUESTION_TIMEOUT_MS,
      recordings: recorder,
      audit,
    });
    // Decoding runs in worker threads; one is kept warm so the first frame does not wait for a thread to load.
    vncWorkers = new WorkerPool();
    vncWorkers.warm();
    const vnc = createVncOpener(vncWorkers);
    // RDP needs the FreeRDP helper built at install time; without it RDP hosts say so instead of failing at connect.
    const rdpHelper = findRdpHelper(PROJECT_ROOT);
    const rdp = rdpHelper.available ? createRdpOpener({ helperPath: rdpHelper.path, log }) : undefined;
    if (!rdpHelper.available) log.warn({ event: 'gateway.rdp_unavailable' }, rdpHelper.reason);
    const desktops = new DesktopSessionRegistry({
      log,
      hostKeys: store.hostKeys,
      openDesktop: (req) => {
        if (req.host.protocol !== 'rdp') return vnc(req);
        return rdp ? rdp.open(req) : Promise.reject(new RdpError('helper-missing', RDP_UNAVAILABLE_REASON));
      },
      lookup: options.lookup,
      connectTimeoutMs: options.connectTimeoutMs ?? SSH_CONNECT_TIMEOUT_MS,
      graceMs: config.detachGraceMs,
      recordings: recorder,
      audit,
    });
    const http = createHttpServer({ noDelay: true });
    const bound = await listenAll(plan, config.port, http, log);
    listeners = bound.listeners;
    const serveSocket = decision.mode === 'tailnet' ? config.serveSocket : undefined;
    if (config.serveSocket && !serveSocket) log.warn({ event: 'gateway.serve_socket_ignored', path: config.serveSocket }, 'serve socket ignored in local mode');
    if (serveSocket) {
      listeners.push(await listenServeSocket(serveSocket, http, log));
      bound.addresses.push(`unix:${serveSocket}`);
    }
    const port = bound.port;
    const tailnetNames = decision.mode === 'tailnet' ? tailnetHostNames(decision) : { names: [], dnsName: undefined };
    // Behind `tailscale serve` the page is https://<node>.<tailnet>.ts.net (443, or 8443 for guest links).
    const serveOrigins = tailnetNames.dnsName ? [`https://${tailnetNames.dnsName}`, `https://${tailnetNames.dnsName}:8443`] : [];
    const ips = bound.addresses.filter((a) => !a.startsWith('unix:'));
    const policy = buildOriginPolicy(port, [...config.publicOrigins, ...serveOrigins], [...tailnetNames.names, ...ips.map((a) => (a.includes(':') ? `[${a}]` : a))]);
    const url = gatewayUrl(bound.addresses[0]!, port);
    const publicUrl = tailnetNames.dnsName ? `http://${tailnetNames.dnsName}:${port}` : url;
    const shares = new ShareService({
      store, sessions, desktops, log, audit, mode: decision.mode,
      // Links for anyone go out on the Funnel port (deploy/tailscale/serve.json); tailnet links on the owner's own page.
      funnelOrigin: tailnetNames.dnsName ? `https://${tailnetNames.dnsName}:8443` : undefined,
      now: options.now,
    });
    const app = createApp({
      store, auth, authenticator, sessions, desktops, policy, log, peers, shares, publicUrl, audit,
      recordings: recorder, tailnetRecording: config.recordings.tailnetHosts,
      rdpUnavailable: rdpHelper.available ? undefined : rdpHelper.reason,
      webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
      capabilityName: decision.mode === 'tailnet' ? config.tailscaleCapability : undefined,
      peerSshPort: config.tailnetSshPort,
      probePorts: options.probePorts,
    });
    http.on('request', getRequestListener(app.fetch));
    const terminals = createTerminalUpgrade({ authenticator, policy, sessions, log, audit });
    const desktopTunnels = createDesktopUpgrade({ authenticator, policy, desktops, log, audit });
    const guests = createGuestUpgrade({ authenticator, policy, shares, terminals, desktops: desktopTunnels, log });
    http.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
      const guest = GUEST_UPGRADE_PATH.exec(path);
      const desktop = DESKTOP_PATH.exec(path);
      if (guest) guests.handleUpgrade(req, socket, head, guest[1] as 'terminal' | 'desktop');
      // Funnel reaches only the guest paths, WebSockets included.
      else if (isFunnelRequest(authRequestOfUpgrade(req).header)) refuseUpgrade(socket, 403, 'Forbidden');
      else if (desktop) desktopTunnels.handleUpgrade(req, socket, head, desktop[1]!);
      else terminals.handleUpgrade(req, socket, head);
    });
    http.on('clientError', (_err, socket) => socket.destroy());
    const modeDetail =
      decision.mode === 'tailnet'
        ? { socket: decision.client.socketPath, version: decision.version, capability: config.tailscaleCapability }
        : { reasons: decision.reasons };
    log.info({ event: 'gateway.listening', url: publicUrl, listening: bound.addresses, port, store: store.kind, mode: decision.mode, ...modeDetail }, 'gateway listening');
    return {
      url,
      publicUrl,
      port,
      mode: decision.mode,
      listening: bound.addresses,
      modeDetail,
      store,
      sessions,
      desktops,
      newLoginLink: () => auth.issueLoginLink(url),
      shares,
      audit,
      recordings: recorder,
      async close() {
        shares.close();
        sessions.closeAll('the gateway is shutting down');
        desktops.closeAll('the gateway is shutting down');
        // Each RDP helper holds a logged-in session: wait until they are gone (killed after a second).
        await rdp?.close();
        await vncWorkers?.close();
        terminals.close();
        desktopTunnels.close();
        await Promise.all(listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))).concat([Promise.resolve(http.closeAllConnections())]));
        await recorder.close();
        // Sessions ended above record their end: written before the store goes.
        await audit.flush();
        await store.close();
      },
    };
  } catch (err) {
    listeners.forEach((l) => l.close());
    await vncWorkers?.close();
    await recordings?.close();
    await audit.flush();
    await store.close();
    throw err;
  }
}
