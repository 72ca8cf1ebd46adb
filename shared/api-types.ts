// Shapes of the HTTP API's requests and responses (docs/api.md), shared by the page and the server.
import { z } from 'zod';
import type { ConnectStage, HostKeyInfo } from './terminal-protocol.js';

export { CSRF_HEADER, CSRF_HEADER_VALUE } from './csrf.js';

export const AUTH_METHODS = ['password', 'key', 'keyboard-interactive', 'none'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** What a host speaks: a terminal over SSH, or a remote desktop over VNC or RDP. */
export const HOST_PROTOCOLS = ['ssh', 'vnc', 'rdp'] as const;
export type HostProtocol = (typeof HOST_PROTOCOLS)[number];
export const DEFAULT_PORTS: Record<HostProtocol, number> = { ssh: 22, vnc: 5900, rdp: 3389 };

/** Which credentials each protocol can use: VNC has a password (VNC auth, VeNCrypt) or none. */
export const AUTH_METHODS_BY_PROTOCOL: Record<HostProtocol, readonly AuthMethod[]> = {
  ssh: ['password', 'key', 'keyboard-interactive'],
  vnc: ['password', 'none'],
  rdp: ['password'],
};

/** Keyboard layouts an RDP host can have: keys typed in the browser become that layout's scancodes. */
export const KEYBOARD_LAYOUTS = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'sv-SE', 'ja-JP'] as const;
export type KeyboardLayoutName = (typeof KEYBOARD_LAYOUTS)[number];

/** any: let client and server agree (TLS or NLA, RDP security as a last resort); the others insist. */
export const RDP_SECURITY_MODES = ['any', 'tls', 'nla', 'rdp'] as const;

export const rdpSettingsSchema = z.object({
  keyboardLayout: z.enum(KEYBOARD_LAYOUTS).default('en-US'),
  security: z.enum(RDP_SECURITY_MODES).default('any'),
  domain: z.string().trim().max(64).regex(/^[^\s\\/:*?"<>|]*$/, 'a Windows domain name').default(''),
});
export type RdpSettings = z.output<typeof rdpSettingsSchema>;
export const DEFAULT_RDP_SETTINGS: RdpSettings = { keyboardLayout: 'en-US', security: 'any', domain: '' };

/** off: nothing is kept; on: recorded when the disk allows; required: no recording, no session. */
export const RECORDING_MODES = ['off', 'on', 'required'] as const;
export type RecordingMode = (typeof RECORDING_MODES)[number];

/** Per host: whether sessions are recorded, and whether what people type is kept too (off by default: passwords are typed at prompts). */
export const recordingSettingsSchema = z.object({
  mode: z.enum(RECORDING_MODES).default('on'),
  input: z.boolean().default(false),
});
export type RecordingSettings = z.output<typeof recordingSettingsSchema>;
export const DEFAULT_RECORDING_SETTINGS: RecordingSettings = { mode: 'on', input: false };

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
  /** VNC servers with security type None. */
  z.object({ method: z.literal('none') }),
]);
export type HostAuthInput = z.infer<typeof hostAuthInputSchema>;

export const createHostSchema = z
  .object({
    name: hostName,
    protocol: z.enum(HOST_PROTOCOLS).default('ssh'),
    address: hostAddress,
    port: port.optional(),
    /** SSH: the account. VNC: only for VeNCrypt Plain servers; may be empty. */
    username: z.union([username, z.literal('')]).default(''),
    auth: hostAuthInputSchema,
    /** RDP hosts only: keyboard layout, security, domain. */
    rdp: rdpSettingsSchema.optional(),
    /** Default: recorded, output only. */
    recording: recordingSettingsSchema.optional(),
  })
  .superRefine((h, ctx) => {
    if (!AUTH_METHODS_BY_PROTOCOL[h.protocol].includes(h.auth.method)) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'method'], message: `${h.protocol.toUpperCase()} hosts log in with ${AUTH_METHODS_BY_PROTOCOL[h.protocol].join(' or ')}` });
    }
    if (h.rdp && h.protocol !== 'rdp') ctx.addIssue({ code: 'custom', path: ['rdp'], message: 'RDP options are for RDP hosts only' });
    if (h.protocol !== 'vnc' && h.username === '') ctx.addIssue({ code: 'custom', path: ['username'], message: `${h.protocol.toUpperCase()} hosts need a user name` });
  })
  .transform((h) => ({ ...h, port: h.port ?? DEFAULT_PORTS[h.protocol] }));
export type CreateHostRequest = z.input<typeof createHostSchema>;
export type CreateHostInput = z.output<typeof createHostSchema>;

/** Every field optional; an omitted `auth` keeps the stored credential. */
export const updateHostSchema = z.object({
  name: hostName.optional(),
  address: hostAddress.optional(),
  port: port.optional(),
  username: username.optional(),
  auth: hostAuthInputSchema.optional(),
  rdp: rdpSettingsSchema.optional(),
  recording: recordingSettingsSchema.optional(),
});
export type UpdateHostRequest = z.input<typeof updateHostSchema>;

/** A host as the API returns it: what kind of credential it has, never the credential. */
export interface HostView {
  id: string;
  name: string;
  protocol: HostProtocol;
  address: string;
  port: number;
  username: string;
  authMethod: AuthMethod;
  hasPassphrase: boolean;
  /** 'config' hosts come from the YAML file and are edited there. */
  source: 'ui' | 'config';
  /** Protocols the caller may open on it. */
  canOpen: ProtocolName[];
  /** RDP hosts: their settings. */
  rdp?: RdpSettings;
  /** Whether its sessions are recorded, and with typed input or not. */
  recording: RecordingSettings;
  /** Why this host cannot be opened on this gateway at all (RDP without its helper built), if so. */
  unavailable?: string;
  hostKey: (HostKeyInfo & { trustedAt: number }) | null;
  /** A key the host presented that differs from the pinned one, waiting for an admin. */
  pendingHostKey: (HostKeyInfo & { seenAt: number }) | null;
  createdAt: number;
  updatedAt: number;
}

export const acceptHostKeySchema = z.object({ fingerprint: z.string().min(1).max(200) });

export const createSessionSchema = z.object({
  hostId: z.string().min(1).max(100),
  /** Tailnet machines only (stored hosts carry their own user): the remote account to log in as. */
  username: username.optional(),
});

export interface SessionView {
  id: string;
  hostId: string;
  hostName: string;
  protocol: HostProtocol;
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
  /** Who made it (tailnet mode: the token acts as them); null for the local owner's tokens. */
  owner: string | null;
}

/** Returned once, when the token is created. */
export interface CreatedApiToken extends ApiTokenView {
  token: string;
}

export const redeemLoginLinkSchema = z.object({ token: z.string().min(16).max(200) });

export const ROLE_NAMES = ['viewer', 'operator', 'admin'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];
export type ProtocolName = 'ssh' | 'vnc' | 'rdp';

/** Who the page is talking for, and what they may do (what the server enforces, shown so the page can hide dead ends). */
export interface MeView {
  identity: {
    kind: 'owner' | 'token' | 'person' | 'tagged-device';
    name: string;
    login?: string;
    tags: string[];
    /** The tailnet device the request came from. */
    device?: { name: string; os?: string };
    /** How the gateway knows: owner link, API token, tailscaled whois, or tailscale serve headers. */
    via: 'browser' | 'token' | 'tailnet' | 'serve';
  };
  mode: 'local' | 'tailnet';
  permissions: {
    role: RoleName | null;
    /** Each grant entry's hosts with the protocols it opens on them, its role there and the remote accounts it allows on tailnet machines. */
    grants: { hosts: string[]; protocols: ProtocolName[]; share: boolean; role: RoleName | null; users: string[] }[];
    share: boolean;
    manageHosts: boolean;
  };
  /** Tailnet mode: the app capability grants are read from, so a refused person can ask for the right grant. */
  capability?: string;
}

/** A machine of the tailnet, listed live from tailscaled. */
export interface PeerView {
  /** "ts:" + StableID; usable wherever a host id is. */
  id: string;
  name: string;
  dnsName: string;
  hostName: string;
  addresses: string[];
  os: string;
  online: boolean;
  lastSeen: string | null;
  tags: string[];
  isSelf: boolean;
  /** Protocols the caller may open on it. */
  canOpen: ProtocolName[];
  hostKey: (HostKeyInfo & { trustedAt: number }) | null;
  pendingHostKey: (HostKeyInfo & { seenAt: number }) | null;
}

/** Open ports per protocol, from a probe a person asked for. */
export interface PortProbeView {
  ssh: number[];
  vnc: number[];
  rdp: number[];
}

/** Every error response: `{ error: { code, message } }`. */
export interface ApiError {
  error: { code: string; message: string };
}
