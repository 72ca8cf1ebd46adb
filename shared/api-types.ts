// Shapes of the HTTP API's requests and responses (docs/api.md), shared by the page and the server.
import { z } from 'zod';
import type { ConnectStage, HostKeyInfo } from './terminal-protocol.js';

export { CSRF_HEADER, CSRF_HEADER_VALUE } from './csrf.js';

export const AUTH_METHODS = ['password', 'key', 'keyboard-interactive'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

const hostName = z.string().trim().min(1).max(100);
const hostAddress = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._:%\-\[\]]+$/, 'an address is a host name, IPv4 or IPv6 address');
const port = z.number().int().min(1).max(65535);
const username = z.string().trim().min(1).max(64).regex(/^[^\s:@]+$/, 'a user name has no spaces, ":" or "@"');

/** How the gateway logs in to a host. Secrets go in, never come back out. */
export const hostAuthInputSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('password'), password: z.string().min(1).max(1024) }),
  z.object({
    method: z.literal('key'),
    privateKey: z.string().min(1).max(16 * 1024),
    passphrase: z.string().max(1024).optional(),
  }),
  z.object({ method: z.literal('keyboard-interactive') }),
]);
export type HostAuthInput = z.infer<typeof hostAuthInputSchema>;

export const createHostSchema = z.object({
  name: hostName,
  address: hostAddress,
  port: port.default(22),
  username,
  auth: hostAuthInputSchema,
});
export type CreateHostRequest = z.input<typeof createHostSchema>;

/** Every field optional; an omitted `auth` keeps the stored credential. */
export const updateHostSchema = z.object({
  name: hostName.optional(),
  address: hostAddress.optional(),
  port: port.optional(),
  username: username.optional(),
  auth: hostAuthInputSchema.optional(),
});
export type UpdateHostRequest = z.input<typeof updateHostSchema>;

/** A host as the API returns it: what kind of credential it has, never the credential. */
export interface HostView {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  authMethod: AuthMethod;
  hasPassphrase: boolean;
  /** 'config' hosts come from the YAML file and are edited there. */
  source: 'ui' | 'config';
  hostKey: (HostKeyInfo & { trustedAt: number }) | null;
  /** A key the host presented that differs from the pinned one, waiting for an admin. */
  pendingHostKey: (HostKeyInfo & { seenAt: number }) | null;
  createdAt: number;
  updatedAt: number;
}

export const acceptHostKeySchema = z.object({ fingerprint: z.string().min(1).max(200) });

export const createSessionSchema = z.object({ hostId: z.string().min(1).max(100) });

export interface SessionView {
  id: string;
  hostId: string;
  hostName: string;
  protocol: 'ssh';
  stage: ConnectStage | 'closed';
  /** Browser connections attached right now. */
  viewers: number;
  createdAt: number;
  /** When nobody is attached: the time the session will be closed unless someone re-attaches. */
  detachedUntil: number | null;
}

export const createApiTokenSchema = z.object({ name: z.string().trim().min(1).max(100) });

export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Returned once, when the token is created. */
export interface CreatedApiToken extends ApiTokenView {
  token: string;
}

export const redeemLoginLinkSchema = z.object({ token: z.string().min(16).max(200) });

export interface MeView {
  identity: { kind: 'owner' | 'token'; name: string };
  mode: 'local';
}

/** Every error response: `{ error: { code, message } }`. */
export interface ApiError {
  error: { code: string; message: string };
}
