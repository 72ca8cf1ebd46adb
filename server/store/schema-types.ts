// Kysely's view of the tables (as created by migrations/); timestamps are epoch milliseconds.
import type { Generated } from 'kysely';
import type { AuthMethod, HostProtocol } from '../../shared/api-types.js';

export interface HostsTable {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  auth_method: AuthMethod;
  /** Secret-box ciphertext of the JSON HostAuthInput, bound to the host id. */
  credential_enc: string;
  source: 'ui' | 'config';
  protocol: HostProtocol;
  /** JSON of protocol settings (RDP: keyboard layout, security, domain); '{}' when none. */
  settings: Generated<string>;
  created_at: number;
  updated_at: number;
}

export interface HostKeysTable {
  host_id: string;
  algorithm: string;
  fingerprint: string;
  trusted_at: number;
}

export interface PendingHostKeysTable {
  host_id: string;
  algorithm: string;
  fingerprint: string;
  seen_at: number;
}

export interface LoginLinksTable {
  token_hash: string;
  expires_at: number;
  used_at: number | null;
}

export interface LoginSessionsTable {
  id_hash: string;
  identity: string;
  created_at: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  /** Null for owner tokens (local mode); else who made it, in tailnet mode. */
  owner_principal: string | null;
  owner_name: string | null;
  /** JSON of the maker's permissions when the token was made. */
  owner_permissions: string | null;
}

export interface ShareLinksTable {
  id: string;
  token_hash: string;
  kind: 'host' | 'session';
  host_id: string;
  host_name: string;
  protocol: 'ssh' | 'vnc' | 'rdp';
  session_id: string | null;
  mode: 'view' | 'control';
  audience: 'tailnet' | 'anyone';
  label: string;
  created_by: string;
  created_by_name: string;
  /** scrypt, "scrypt$<salt b64>$<hash b64>"; null when the link has no passcode. */
  passcode_hash: string | null;
  max_uses: number | null;
  uses: Generated<number>;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AuditEventsTable {
  /** Time-ordered: 15-digit epoch ms, 12-digit sequence, 8 hex digits. */
  id: string;
  at: number;
  action: string;
  actor_principal: string;
  actor_name: string;
  actor_device: string | null;
  actor_address: string | null;
  host_id: string | null;
  host_name: string | null;
  protocol: string | null;
  session_id: string | null;
  link_id: string | null;
  /** JSON object; never a secret. */
  detail: string;
}

export interface RecordingsTable {
  id: string;
  session_id: string;
  host_id: string;
  host_name: string;
  protocol: 'ssh' | 'vnc' | 'rdp';
  format: 'asciicast' | 'guacamole';
  principal: string;
  user_name: string;
  device: string | null;
  /** File name inside the recordings directory (never a path: the directory may move). */
  file: string;
  started_at: number;
  ended_at: number | null;
  bytes: number;
  /** 1 when typed input (or desktop key and mouse events) was kept. */
  input: number;
  /** 1 when the file is sealed under the gateway's key. */
  sealed: number;
  state: 'recording' | 'complete' | 'interrupted' | 'failed';
  end_reason: string | null;
  width: number;
  height: number;
}

export interface Database {
  hosts: HostsTable;
  host_keys: HostKeysTable;
  pending_host_keys: PendingHostKeysTable;
  login_links: LoginLinksTable;
  login_sessions: LoginSessionsTable;
  api_tokens: ApiTokensTable;
  share_links: ShareLinksTable;
  audit_events: AuditEventsTable;
  recordings: RecordingsTable;
}
