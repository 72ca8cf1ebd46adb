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
  /** Records a share event in the audit log (action `share.<event>`); the service itself records through AuditLog. */
  addEvent(event: ShareEventRecord): Promise<void>;
  /** A link's audit events (actions `share.*` with its link id), oldest first. */
  listEvents(linkId: string): Promise<ShareEventRecord[]>;
}

/** One recorded session as indexed; the recording is the file `file` in the recordings directory. */
export interface RecordingRecord {
  id: string;
  sessionId: string;
  hostId: string;
  hostName: string;
  protocol: 'ssh' | 'vnc' | 'rdp';
  format: 'asciicast' | 'guacamole';
  principal: string;
  userName: string;
  device: string | null;
  file: string;
  startedAt: number;
  endedAt: number | null;
  bytes: number;
  input: boolean;
  /** The file is sealed under the gateway's key (a plain file in its place is refused). */
  sealed: boolean;
  state: 'recording' | 'complete' | 'interrupted' | 'failed';
  endReason: string | null;
  width: number;
  height: number;
}

export interface RecordingFilter {
  principal?: string;
  hostId?: string;
  protocol?: 'ssh' | 'vnc' | 'rdp';
  format?: 'asciicast' | 'guacamole';
  /** Only recordings that started before this (paging, newest first). */
  before?: number;
  limit?: number;
}

export interface RecordingStore {
  create(recording: RecordingRecord): Promise<void>;
  /** Records how it ended; bytes are the file's final size. */
  finish(id: string, end: { endedAt: number; bytes: number; state: RecordingRecord['state']; endReason: string | null }): Promise<void>;
  get(id: string): Promise<RecordingRecord | undefined>;
  /** Newest first. */
  list(filter?: RecordingFilter): Promise<RecordingRecord[]>;
  /** Every recording, oldest first, with only what retention needs. */
  sizes(): Promise<Pick<RecordingRecord, 'id' | 'file' | 'startedAt' | 'bytes' | 'state'>[]>;
  remove(id: string): Promise<boolean>;
  /** Rows still marked as recording (the gateway stopped mid-session): their ids and files. */
  unfinished(): Promise<Pick<RecordingRecord, 'id' | 'file'>[]>;
}

/** Who did something, as the audit log keeps it (see server/audit/audit-log.ts). */
export interface AuditActorRecord {
  principal: string;
  name: string;
  device?: string | null;
  address?: string | null;
}

export interface NewAuditEvent {
  /** Epoch ms. */
  at: number;
  action: string;
  actor: AuditActorRecord;
  hostId?: string | null;
  hostName?: string | null;
  protocol?: string | null;
  sessionId?: string | null;
  linkId?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditEventRecord {
  /** Sorts by time (at, then order of writing): paging compares ids. */
  id: string;
  at: number;
  action: string;
  actor: { principal: string; name: string; device: string | null; address: string | null };
  hostId: string | null;
  hostName: string | null;
  protocol: string | null;
  sessionId: string | null;
  linkId: string | null;
  detail: Record<string, unknown>;
}

/** Every filter is optional; they combine with AND. */
export interface AuditFilter {
  /** Inclusive, epoch ms. */
  from?: number;
  /** Exclusive, epoch ms. */
  to?: number;
  /** An action or a family: `share` matches `share` and `share.*`. */
  action?: string;
  /** A principal exactly, or part of a name (any case). */
  actor?: string;
  /** A host id exactly, or part of a host name (any case). */
  host?: string;
  sessionId?: string;
  linkId?: string;
  /** Part of any text column or the detail (any case). */
  text?: string;
}

export interface AuditStore {
  append(event: NewAuditEvent): Promise<AuditEventRecord>;
  /** Newest first, `limit` at most, older than the event `before` when given; `next` is the cursor for the page after. */
  query(filter: AuditFilter, page: { before?: string; limit: number }): Promise<{ events: AuditEventRecord[]; next: string | null }>;
  /** Oldest first, read in batches (an export never holds the whole log in memory). */
  scan(filter: AuditFilter, batchSize?: number): AsyncIterable<AuditEventRecord>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly hosts: HostStore;
  readonly hostKeys: HostKeyStore;
  readonly auth: AuthStore;
  readonly shares: ShareStore;
  readonly audit: AuditStore;
  readonly recordings: RecordingStore;
  close(): Promise<void>;
}

export class StoreConflictError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'StoreConflictError';
  }
}
