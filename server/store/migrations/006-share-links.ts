// Share links (host access and live sessions) and their audit trail; tokens and passcodes are stored only hashed.
// Frozen once released: change the schema with a new migration, never by editing this one.
import { sql, type Kysely, type Migration } from 'kysely';

type AnyDb = Kysely<any>;

export const shareLinks: Migration = {
  async up(db: AnyDb) {
    // No foreign key to hosts: live-session links may name a tailnet machine, and a link's row outlives its
    // host so the audit trail still says what was shared. Removing a host revokes its links instead.
    await db.schema
      .createTable('share_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('host_name', 'text', (c) => c.notNull())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('passcode_hash', 'text')
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addCheckConstraint('share_links_kind', sql`kind in ('host', 'session')`)
      .addCheckConstraint('share_links_mode', sql`mode in ('view', 'control')`)
      .addCheckConstraint('share_links_audience', sql`audience in ('tailnet', 'anyone')`)
      .addCheckConstraint('share_links_uses', sql`uses >= 0 and (max_uses is null or uses <= max_uses)`)
      .execute();
    await db.schema.createIndex('share_links_created_by').on('share_links').column('created_by').execute();

    await db.schema
      .createTable('share_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('link_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('share_events_link_at').on('share_events').columns(['link_id', 'at']).execute();
  },
};
