// Resolves the gateway's settings from flags, environment, porthole.yaml and defaults, in that order.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { readConfigFile, type ConfigHost } from './config-file.js';
import { DEFAULT_DATA_DIR, DEFAULT_DETACH_GRACE_SECONDS, DEFAULT_LISTEN_HOST, DEFAULT_PORT } from './defaults.js';

/** The loudly named escape hatch for binding beyond loopback (the tailnet issue adds mesh addresses). */
export const UNSAFE_BIND_FLAG = '--unsafe-listen-beyond-loopback';
export const UNSAFE_BIND_ENV = 'PORTHOLE_UNSAFE_LISTEN_BEYOND_LOOPBACK';

export interface GatewayConfig {
  listenHost: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  detachGraceMs: number;
  publicOrigins: string[];
  configFile: string | undefined;
  hosts: ConfigHost[];
  allowNonLoopbackBind: boolean;
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
  const file = configFile ? readConfigFile(configFile) : { hosts: [] as ConfigHost[] };

  const portFlag = flagValue(argv, '--port') ?? env.PORTHOLE_PORT;
  const graceEnv = env.PORTHOLE_DETACH_GRACE_SECONDS;
  const graceSeconds = graceEnv !== undefined ? Number(graceEnv) : ('detachGraceSeconds' in file ? file.detachGraceSeconds : undefined);
  if (graceSeconds !== undefined && (!Number.isFinite(graceSeconds) || graceSeconds < 0)) {
    throw new Error(`PORTHOLE_DETACH_GRACE_SECONDS: "${graceEnv}" is not a number of seconds`);
  }
  const config: GatewayConfig = {
    listenHost: flagValue(argv, '--listen') ?? env.PORTHOLE_LISTEN ?? ('listen' in file ? file.listen : undefined) ?? DEFAULT_LISTEN_HOST,
    port: portFlag !== undefined ? parsePort(portFlag, '--port / PORTHOLE_PORT') : (('port' in file ? file.port : undefined) ?? DEFAULT_PORT),
    dataDir: resolve(cwd, dataDirRaw ?? ('dataDir' in file ? file.dataDir : undefined) ?? DEFAULT_DATA_DIR),
    databaseUrl: env.DATABASE_URL || ('databaseUrl' in file ? file.databaseUrl : undefined) || undefined,
    detachGraceMs: (graceSeconds ?? DEFAULT_DETACH_GRACE_SECONDS) * 1000,
    publicOrigins: ('publicOrigins' in file ? file.publicOrigins : undefined) ?? [],
    configFile,
    hosts: file.hosts,
    allowNonLoopbackBind: argv.includes(UNSAFE_BIND_FLAG) || env[UNSAFE_BIND_ENV] === '1',
  };
  assertSafeBind(config);
  return config;
}

/** Local mode listens on loopback only; anything else needs the explicit, loudly named flag. */
export function assertSafeBind(config: Pick<GatewayConfig, 'listenHost' | 'allowNonLoopbackBind'>): void {
  if (isLoopbackAddress(config.listenHost) || config.allowNonLoopbackBind) return;
  throw new Error(
    `refusing to listen on "${config.listenHost}": Porthole listens on loopback only unless you pass ${UNSAFE_BIND_FLAG} ` +
      `(or set ${UNSAFE_BIND_ENV}=1), which exposes the gateway to that whole network`,
  );
}
