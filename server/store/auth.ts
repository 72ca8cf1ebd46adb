// Login links, login sessions and API tokens, all stored only as SHA-256 hashes of the raw secrets.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { hashSecret } from '../crypto/tokens.js';
import type { ApiTokensTable, Database } from './schema-types.js';
import type { ApiTokenRecord, AuthStore } from './types.js';

const tokenColumns = ['id', 'name', 'created_at', 'last_used_at', 'owner_principal', 'owner_name', 'owner_permissions'] as const;

function toApiToken(row: Pick<Selectable<ApiTokensTable>, (typeof tokenColumns)[number]>): ApiTokenRecord {
  const owner = row.owner_principal !== null ? { principal: row.owner_principal, name: row.owner_name ?? row.owner_principal, permissions: row.owner_permissions ?? '' } : null;
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at, owner };
}

export function createAuthStore(db: Kysely<Database>): AuthStore {
  return {
    async createLoginLink(token, expiresAt) {
      await db.insertInto('login_links').values({ token_hash: hashSecret(token), expires_at: expiresAt, used_at: null }).execute();
    },

    async redeemLoginLink(token, now) {
      // One conditional UPDATE, not read-then-write: of two concurrent redeems the database lets exactly one
      // match `used_at IS NULL`, on SQLite (one writer at a time) and PostgreSQL (row lock, re-check) alike.
      const result = await db
        .updateTable('login_links')
        .set({ used_at: now })
        .where('token_hash', '=', hashSecret(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async createLoginSession(sessionId, identity, now, expiresAt) {
      // Sweep what can never be used again here, where it costs one indexed delete per login.
      await db.deleteFrom('login_sessions').where('expires_at', '<=', now).execute();
      await db.deleteFrom('login_links').where('expires_at', '<=', now).execute();
      await db
        .insertInto('login_sessions')
        .values({ id_hash: hashSecret(sessionId), identity, created_at: now, expires_at: expiresAt })
        .execute();
    },

    async getLoginSession(sessionId, now) {
      const row = await db
        .selectFrom('login_sessions')
        .select(['identity', 'created_at', 'expires_at'])
        .where('id_hash', '=', hashSecret(sessionId))
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && { identity: row.identity, createdAt: row.created_at, expiresAt: row.expires_at };
    },

    async deleteLoginSession(sessionId) {
      await db.deleteFrom('login_sessions').where('id_hash', '=', hashSecret(sessionId)).execute();
    },

    async createApiToken(token, name, now, owner = null) {
      const row = {
        id: randomUUID(), name, token_hash: hashSecret(token), created_at: now, last_used_at: null,
        owner_principal: owner?.principal ?? null, owner_name: owner?.name ?? null, owner_permissions: owner?.permissions ?? null,
      };
      await db.insertInto('api_tokens').values(row).execute();
      return toApiToken(row);
    },

    async useApiToken(token, now) {
      const row = await db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('token_hash', '=', hashSecret(token))
        .returning(tokenColumns)
        .executeTakeFirst();
      return row && toApiToken(row);
    },

    async listApiTokens() {
      const rows = await db.selectFrom('api_tokens').select(tokenColumns).orderBy('created_at').orderBy('id').execute();
      return rows.map(toApiToken);
    },

    async deleteApiToken(id) {
      const result = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
