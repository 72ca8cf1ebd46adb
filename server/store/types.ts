// The store's public contract: what the rest of the server may ask of storage (SQLite or PostgreSQL).
import type { AuthMethod, HostAuthInput, HostProtocol, RdpSettings, RecordingSettings } from '../../shared/api-types.js';
import type { HostKeyInfo } from '../../shared/terminal-protocol.js';

/** A host with its decrypted credential. Only server code that connects upstream sees this. */
export interface HostRecord {
  id: string;
  name: string;
  protocol: HostProtocol;
  address: string;
  port: number;
  username: string;
  authMethod: AuthMethod;
  /** Decrypted secret; null for keyboard-interactive. */
  credential: HostAuthInput;
  /** 'tailnet' records are never stored: they are built per connection for a tailnet machine. */
  source: 'ui' | 'config' | 'tailnet';
  /** RDP hosts: keyboard layout, security, domain (defaults filled in). */
  rdp?: RdpSettings;
  /** Recording policy (defaults filled in; tailnet machines get the gateway's default). */
  recording: RecordingSettings;
  createdAt: number;
  updatedAt: number;
}

export interface NewHost {
  name: string;
  /** Default ssh. */
  protocol?: HostProtocol;
  address: string;
  port: number;
  username: string;
  auth: HostAuthInput;
  source: 'ui' | 'config';
  rdp?: RdpSettings;
  recording?: RecordingSettings;
}

export interface HostPatch {
  name?: string;
  address?: string;
  port?: number;
  username?: string;
  /** Omitted: keep the stored credential. */
  auth?: HostAuthInput;
  rdp?: RdpSettings;
  recording?: RecordingSettings;
}

export interface PinnedHostKey extends HostKeyInfo {
  trustedAt: number;
}
export interface PendingHostKey extends HostKeyInfo {
  seenAt: number;
}

export interface HostStore {
  list(): Promise<HostRecord[]>;
  get(id: string): Promise<HostRecord | undefined>;
  getByName(name: string): Promise<HostRecord | undefined>;
  /** Throws StoreConflictError when the name is taken. */
  create(host: NewHost): Promise<HostRecord>;
  /** Returns undefined when no such host. Throws StoreConflictError when the new name is taken. */
  update(id: string, patch: HostPatch): Promise<HostRecord | undefined>;
  /** Also forgets the host's keys. Returns false when no such host. */
  remove(id: string): Promise<boolean>;
}

export interface HostKeyStore {
  getPinned(hostId: string): Promise<PinnedHostKey | undefined>;
  /** Pin this key (first use accepted, or an admin accepted a change) and clear any pending key. */
  pin(hostId: string, key: HostKeyInfo): Promise<void>;
  getPending(hostId: string): Promise<PendingHostKey | undefined>;
  /** Remember a key that differs from the pinned one so an admin can accept it by fingerprint. */
  setPending(hostId: string, key: HostKeyInfo): Promise<void>;
  /** Forget pinned and pending keys: the next connection asks again. */
  forget(hostId: string): Promise<void>;
}

export interface LoginSession {
  identity: string;
  createdAt: number;
  expiresAt: number;
}

/** Who made a tailnet-mode token and what they could do then; the store keeps `permissions` as opaque JSON. */
export interface ApiTokenOwner {
  principal: string;
  name: string;
  permissions: string;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** Null: an owner token (local mode), with every right. */
  owner: ApiTokenOwner | null;
}

/** Secrets (links, session ids, tokens) are stored only as SHA-256 hashes; callers pass the raw value. */
export interface AuthStore {
  createLoginLink(token: string, expiresAt: number): Promise<void>;
  /** Marks the link used and returns true only if it existed, was unused and not expired at `now`. */
  redeemLoginLink(token: string, now: number): Promise<boolean>;
  createLoginSession(sessionId: string, identity: string, now: number, expiresAt: number): Promise<void>;
  getLoginSession(sessionId: string, now: number): Promise<LoginSession | undefined>;
  deleteLoginSession(sessionId: string): Promise<void>;
  createApiToken(token: string, name: string, now: number, owner?: ApiTokenOwner | null): Promise<ApiTokenRecord>;
  /** Finds the token and records its use. */
  useApiToken(token: string, now: number): Promise<ApiTokenRecord | undefined>;
  listApiTokens(): Promise<ApiTokenRecord[]>;
  deleteApiToken(id: string): Promise<boolean>;
}

/** A share link as stored: the token itself is never kept, only its hash. */
export interface ShareLinkRecord {
  id: string;
  kind: 'host' | 'session';
  hostId: string;
  hostName: string;
  protocol: 'ssh' | 'vnc' | 'rdp';
  sessionId: string | null;
  mode: 'view' | 'control';
  audience: 'tailnet' | 'anyone';
  label: string;
  createdBy: string;
  createdByName: string;
  passcodeHash: string | null;
  maxUses: number | null;
  uses: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export type NewShareLink = Omit<ShareLinkRecord, 'id' | 'uses' | 'revokedAt'>;

export interface ShareEventRecord {
  linkId: string;
  at: number;
  event: string;
  actor: string;
  source: string;
  sessionId: string | null;
  detail: string;
}

export interface ShareStore {
  /** Stores the link under the hash of `token`. */
  create(token: string, link: NewShareLink): Promise<ShareLinkRecord>;
  findByToken(token: string): Promise<ShareLinkRecord | undefined>;
  get(id: string): Promise<ShareLinkRecord | undefined>;
  /** Newest first; only `createdBy`'s links when given. */
  list(createdBy?: string): Promise<ShareLinkRecord[]>;
  /**
   * Counts one use, only if the link is still usable at `now` (not revoked, not expired, uses left): one
   * conditional UPDATE, so two guests racing for the last use cannot both win.
   */
  claimUse(id: string, now: number): Promise<boolean>;
  /** Returns false when the link did not exist or was already revoked. */
  revoke(id: string, now: number): Promise<boolean>;
  /** Revokes every live link to a host (it was removed or changed address); returns their ids. */
  revokeForHost(hostId: string, now: number): Promise<string[]>;
  addEvent(event: ShareEventRecord): Promise<void>;
  /** Oldest first. */
  listEvents(linkId: string): Promise<ShareEventRecord[]>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly hosts: HostStore;
  readonly hostKeys: HostKeyStore;
  readonly auth: AuthStore;
  readonly shares: ShareStore;
  close(): Promise<void>;
}

export class StoreConflictError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'StoreConflictError';
  }
}
