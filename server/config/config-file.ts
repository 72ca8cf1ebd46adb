// Reads porthole.yaml: gateway settings and hosts defined as code. Errors name the field and the bad value.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { recordingSettingsSchema } from '../../shared/api-types.js';

const configHostSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    address: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().trim().min(1).max(64),
    password: z.string().min(1).optional(),
    privateKeyFile: z.string().min(1).optional(),
    passphrase: z.string().optional(),
    keyboardInteractive: z.boolean().optional(),
    /** Whether sessions on this host are recorded (off, on, required) and whether typed input is kept; default on, no input. */
    recording: recordingSettingsSchema.strict().optional(),
  })
  .strict()
  .refine((h) => [h.password, h.privateKeyFile, h.keyboardInteractive].filter(Boolean).length === 1, {
    message: 'give exactly one of password, privateKeyFile or keyboardInteractive: true',
  });

/** One access rule: who (logins and/or tags) gets what, in the same vocabulary as a tailnet grant's app capability. */
const accessRuleSchema = z
  .object({
    logins: z.array(z.string().trim().min(1).max(200)).optional(),
    tags: z.array(z.string().regex(/^tag:[A-Za-z0-9-]+$/, 'a tag looks like tag:name')).optional(),
    hosts: z.array(z.string().trim().min(1).max(200)).optional(),
    protocols: z.array(z.enum(['ssh', 'vnc', 'rdp'])).optional(),
    role: z.enum(['viewer', 'operator', 'admin']).optional(),
    share: z.boolean().optional(),
    /** Remote accounts on tailnet machines ("*" for any); default: the person's own login name. */
    users: z.array(z.string().regex(/^(\*|[a-z_][a-z0-9_.-]{0,63})$/i, 'an account name like "alice", or "*"')).optional(),
  })
  .strict()
  .refine((r) => (r.logins?.length ?? 0) + (r.tags?.length ?? 0) > 0, { message: 'a rule names at least one login or tag' });

export const configFileSchema = z
  .object({
    listen: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    dataDir: z.string().min(1).optional(),
    databaseUrl: z.string().min(1).optional(),
    detachGraceSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
    /** Extra origins the page may be served from, e.g. "https://porthole.example.ts.net". */
    publicOrigins: z.array(z.string().url()).optional(),
    /** auto (default): tailnet when tailscaled's LocalAPI answers, else local. */
    mode: z.enum(['auto', 'tailnet', 'local']).optional(),
    tailscale: z
      .object({
        /** LocalAPI socket; default: the first of the platform paths that exists. */
        socket: z.string().min(1).optional(),
        /** App capability name carrying Porthole grants in the tailnet policy. */
        capability: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}\/.+$/i, 'a capability name looks like example.com/cap/porthole').optional(),
        /** Port sshd listens on across the tailnet (one-click SSH to tailnet machines). */
        sshPort: z.number().int().min(1).max(65535).optional(),
        /** Unix socket for `tailscale serve` to proxy to; then serve headers are trusted only there. */
        serveSocket: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Where session recordings are kept, and for how long. */
    recordings: z
      .object({
        /** Default: <dataDir>/recordings. */
        dir: z.string().min(1).optional(),
        /** Delete recordings older than this many days (0: no age limit). */
        maxAgeDays: z.number().min(0).max(36500).optional(),
        /** Keep all recordings together under this many GB (10^9 bytes), deleting the oldest first (0: no limit). */
        maxTotalGB: z.number().min(0).optional(),
        /**
         * Encrypt recordings at rest under the gateway's key (default true): a copy of the recordings directory
         * without <dataDir>/secret.key replays nothing. The API and downloads always give the plain file.
         */
        encrypt: z.boolean().optional(),
        /** Tailnet machines have no stored settings: their sessions follow this policy. */
        tailnetHosts: z.object({ mode: z.enum(['off', 'on', 'required']), input: z.boolean().default(false) }).strict().optional(),
      })
      .strict()
      .optional(),
    /** Rules keyed by tailnet login or tag; they add to the tailnet grants (or replace them on tailnets without). */
    access: z.array(accessRuleSchema).default([]),
    hosts: z.array(configHostSchema).default([]),
  })
  .strict();

export type ConfigFile = z.output<typeof configFileSchema>;
export type ConfigHost = z.output<typeof configHostSchema>;
export type AccessRule = z.output<typeof accessRuleSchema>;

/** Parses YAML text; throws an Error that names the file, the field path and the problem. */
export function parseConfigFile(text: string, fileName: string): ConfigFile {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new Error(`${fileName}: not valid YAML: ${(err as Error).message}`);
  }
  const result = configFileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new Error(`${fileName}: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Reads and parses the file; a relative privateKeyFile is resolved against the file's folder, `~/` against home. */
export function readConfigFile(path: string): ConfigFile {
  const config = parseConfigFile(readFileSync(path, 'utf8'), path);
  for (const host of config.hosts) {
    if (host.privateKeyFile) {
      const file = host.privateKeyFile.startsWith('~/') ? join(homedir(), host.privateKeyFile.slice(2)) : host.privateKeyFile;
      host.privateKeyFile = resolve(dirname(path), file);
    }
  }
  return config;
}
