// Kysely's view of the tables (as created by migrations/); timestamps are epoch milliseconds.
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

export interface Database {
  hosts: HostsTable;
  host_keys: HostKeysTable;
  pending_host_keys: PendingHostKeysTable;
  login_links: LoginLinksTable;
  login_sessions: LoginSessionsTable;
  api_tokens: ApiTokensTable;
}
