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

export interface ShareEventsTable {
  id: string;
  link_id: string;
  at: number;
  event: string;
  actor: string;
  source: string;
  session_id: string | null;
  detail: string;
}

export interface Database {
  hosts: HostsTable;
  host_keys: HostKeysTable;
  pending_host_keys: PendingHostKeysTable;
  login_links: LoginLinksTable;
  login_sessions: LoginSessionsTable;
  api_tokens: ApiTokensTable;
  share_links: ShareLinksTable;
  share_events: ShareEventsTable;
}
