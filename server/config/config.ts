// Resolves the gateway's settings from flags, environment, porthole.yaml and defaults, in that order.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { readConfigFile, type AccessRule, type ConfigFile, type ConfigHost } from './config-file.js';
import type { RecordingSettings } from '../../shared/api-types.js';
import { DEFAULT_DATA_DIR, DEFAULT_DETACH_GRACE_SECONDS, DEFAULT_RECORDING_MAX_AGE_DAYS, DEFAULT_RECORDING_MAX_TOTAL_GB, DEFAULT_LISTEN_HOST, DEFAULT_PORT, DEFAULT_TAILSCALE_CAPABILITY, DEFAULT_TAILSCALE_SOCKETS } from './defaults.js';

/** The loudly named escape hatch for binding beyond loopback (the tailnet issue adds mesh addresses). */
export const UNSAFE_BIND_FLAG = '--unsafe-listen-beyond-loopback';
export const UNSAFE_BIND_ENV = 'PORTHOLE_UNSAFE_LISTEN_BEYOND_LOOPBACK';

export type GatewayMode = 'auto' | 'tailnet' | 'local';
const MODES: readonly GatewayMode[] = ['auto', 'tailnet', 'local'];

export interface GatewayConfig {
  mode: GatewayMode;
  /** Local mode's address; in tailnet mode an explicit non-default value replaces the tailnet + loopback plan. */
  listenHost: string;
  /** True when listenHost came from a flag, the environment or the file rather than the default. */
  listenExplicit: boolean;
  /** LocalAPI sockets to try, in order (one when configured). */
  tailscaleSockets: string[];
  /** The socket path was given (flag, environment, file) rather than probed from the platform defaults. */
  tailscaleSocketConfigured: boolean;
  tailscaleCapability: string;
  /**
   * A unix socket for `tailscale serve` to proxy to ("Proxy": "unix:PATH", tailscaled 1.94+). When set,
   * serve's identity headers count only there, never on loopback TCP, where any local process could forge them.
   */
  serveSocket: string | undefined;
  /** Port sshd listens on across the tailnet, for one-click SSH to tailnet machines. */
  tailnetSshPort: number;
  access: AccessRule[];
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  detachGraceMs: number;
  publicOrigins: string[];
  configFile: string | undefined;
  hosts: ConfigHost[];
  allowNonLoopbackBind: boolean;
  recordings: RecordingsConfig;
}

export interface RecordingsConfig {
  dir: string;
  /** 0: no age limit. */
  maxAgeMs: number;
  /** 0: no size limit. */
  maxTotalBytes: number;
  /** The policy for tailnet machines' sessions (they have no stored host settings). */
  tailnetHosts: RecordingSettings;
  /** New recordings are sealed under the gateway's key. */
  encrypt: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function recordingsConfig(dataDir: string, file: ConfigFile['recordings'], dirOverride: string | undefined, cwd: string): RecordingsConfig {
  return {
    dir: resolve(cwd, dirOverride ?? file?.dir ?? join(dataDir, 'recordings')),
    maxAgeMs: (file?.maxAgeDays ?? DEFAULT_RECORDING_MAX_AGE_DAYS) * DAY_MS,
    maxTotalBytes: Math.round((file?.maxTotalGB ?? DEFAULT_RECORDING_MAX_TOTAL_GB) * 1e9),
    tailnetHosts: file?.tailnetHosts ?? { mode: 'on', input: false },
    encrypt: file?.encrypt ?? true,
  };
}

export function isLoopbackAddress(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

function flagValue(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = argv[i]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${source}: "${value}" is not a TCP port (0-65535)`);
  return port;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): GatewayConfig {
  const dataDirRaw = flagValue(argv, '--data-dir') ?? env.PORTHOLE_DATA_DIR;
  const explicitFile = flagValue(argv, '--config') ?? env.PORTHOLE_CONFIG;
  const guessDataDir = resolve(cwd, dataDirRaw ?? DEFAULT_DATA_DIR);
  const candidates = explicitFile ? [resolve(cwd, explicitFile)] : [join(guessDataDir, 'porthole.yaml'), resolve(cwd, 'porthole.yaml')];
  const configFile = candidates.find((p) => existsSync(p));
  if (explicitFile && !configFile) throw new Error(`--config / PORTHOLE_CONFIG: file "${explicitFile}" does not exist`);
  const file: Partial<ConfigFile> & { hosts: ConfigHost[] } = configFile ? readConfigFile(configFile) : { hosts: [], access: [] };

  const portFlag = flagValue(argv, '--port') ?? env.PORTHOLE_PORT;
  const graceEnv = env.PORTHOLE_DETACH_GRACE_SECONDS;
  const graceSeconds = graceEnv !== undefined ? Number(graceEnv) : file.detachGraceSeconds;
  if (graceSeconds !== undefined && (!Number.isFinite(graceSeconds) || graceSeconds < 0)) {
    throw new Error(`PORTHOLE_DETACH_GRACE_SECONDS: "${graceEnv}" is not a number of seconds`);
  }
  const modeRaw = flagValue(argv, '--mode') ?? env.PORTHOLE_MODE ?? file.mode ?? 'auto';
  if (!MODES.includes(modeRaw as GatewayMode)) throw new Error(`--mode / PORTHOLE_MODE: "${modeRaw}" is not one of ${MODES.join(', ')}`);
  // TS_SOCKET is what the tailscale image calls it; honouring it makes the sidecar setup one variable shorter.
  const socket = flagValue(argv, '--tailscale-socket') ?? env.PORTHOLE_TAILSCALE_SOCKET ?? file.tailscale?.socket ?? (env.TS_SOCKET || undefined);
  const listenRaw = flagValue(argv, '--listen') ?? env.PORTHOLE_LISTEN ?? file.listen;
  const config: GatewayConfig = {
    mode: modeRaw as GatewayMode,
    listenHost: listenRaw ?? DEFAULT_LISTEN_HOST,
    listenExplicit: listenRaw !== undefined,
    tailscaleSockets: socket ? [resolve(cwd, socket)] : [...DEFAULT_TAILSCALE_SOCKETS],
    tailscaleSocketConfigured: socket !== undefined,
    tailscaleCapability: env.PORTHOLE_TAILSCALE_CAPABILITY || file.tailscale?.capability || DEFAULT_TAILSCALE_CAPABILITY,
    tailnetSshPort: file.tailscale?.sshPort ?? 22,
    serveSocket: ((raw) => (raw ? resolve(cwd, raw) : undefined))(flagValue(argv, '--serve-socket') ?? env.PORTHOLE_SERVE_SOCKET ?? file.tailscale?.serveSocket),
    access: file.access ?? [],
    port: portFlag !== undefined ? parsePort(portFlag, '--port / PORTHOLE_PORT') : (file.port ?? DEFAULT_PORT),
    dataDir: resolve(cwd, dataDirRaw ?? file.dataDir ?? DEFAULT_DATA_DIR),
    databaseUrl: env.DATABASE_URL || file.databaseUrl || undefined,
    detachGraceMs: (graceSeconds ?? DEFAULT_DETACH_GRACE_SECONDS) * 1000,
    publicOrigins: file.publicOrigins ?? [],
    configFile,
    hosts: file.hosts,
    allowNonLoopbackBind: argv.includes(UNSAFE_BIND_FLAG) || env[UNSAFE_BIND_ENV] === '1',
    recordings: recordingsConfig(resolve(cwd, dataDirRaw ?? file.dataDir ?? DEFAULT_DATA_DIR), file.recordings, flagValue(argv, '--recordings-dir') ?? env.PORTHOLE_RECORDINGS_DIR, cwd),
  };
  // Tailnet mode's bind rules need the node's addresses, known only at start (mesh/listen-plan.ts).
  if (config.mode === 'local') assertSafeBind(config);
  return config;
}

/** A complete local-mode configuration on an ephemeral loopback port, for embedding (tests, benchmarks). */
export function embeddedConfig(dataDir: string, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    mode: 'local',
    listenHost: DEFAULT_LISTEN_HOST,
    listenExplicit: false,
    port: 0,
    dataDir,
    databaseUrl: undefined,
    detachGraceMs: DEFAULT_DETACH_GRACE_SECONDS * 1000,
    publicOrigins: [],
    configFile: undefined,
    hosts: [],
    allowNonLoopbackBind: false,
    tailscaleSockets: [],
    tailscaleSocketConfigured: true,
    tailscaleCapability: DEFAULT_TAILSCALE_CAPABILITY,
    tailnetSshPort: 22,
    serveSocket: undefined,
    access: [],
    recordings: recordingsConfig(dataDir, undefined, undefined, process.cwd()),
    ...overrides,
  };
}

/** The URL a person opens for a gateway bound to `listenHost:port` (a wildcard bind is opened via loopback). */
export function gatewayUrl(listenHost: string, port: number): string {
  const host = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  return `http://${host}:${port}`;
}

/** Local mode listens on loopback only; anything else needs the explicit, loudly named flag. */
export function assertSafeBind(config: Pick<GatewayConfig, 'listenHost' | 'allowNonLoopbackBind'>): void {
  if (isLoopbackAddress(config.listenHost) || config.allowNonLoopbackBind) return;
  throw new Error(
    `refusing to listen on "${config.listenHost}": Porthole listens on loopback only unless you pass ${UNSAFE_BIND_FLAG} ` +
      `(or set ${UNSAFE_BIND_ENV}=1), which exposes the gateway to that whole network`,
  );
}
