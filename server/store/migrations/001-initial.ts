// First schema: hosts with encrypted credentials, pinned/pending host keys, login links, sessions, API tokens.
// Frozen once released: change the schema with a new migration, never by editing this one.
import { sql, type Kysely, type Migration } from 'kysely';

// Migrations see the database as it was, not as schema-types.ts says it is now.
type AnyDb = Kysely<any>;

export const initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('hosts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('auth_method', 'text', (c) => c.notNull())
      .addColumn('credential_enc', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('hosts_port_range', sql`port between 1 and 65535`)
      .addCheckConstraint('hosts_auth_method', sql`auth_method in ('password', 'key', 'keyboard-interactive')`)
      .addCheckConstraint('hosts_source', sql`source in ('ui', 'config')`)
      .execute();

    // One pinned and at most one pending key per host; both go when the host goes.
    for (const [table, at] of [
      ['host_keys', 'trusted_at'],
      ['pending_host_keys', 'seen_at'],
    ] as const) {
      await db.schema
        .createTable(table)
        .addColumn('host_id', 'text', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn(at, 'bigint', (c) => c.notNull())
        .execute();
    }

    await db.schema
      .createTable('login_links')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('login_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('identity', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('login_sessions_expires_at').on('login_sessions').column('expires_at').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
  },

  async down(db: AnyDb) {
    for (const table of ['api_tokens', 'login_sessions', 'login_links', 'pending_host_keys', 'host_keys', 'hosts']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
