// The recordings index: one row per recorded session; the recording itself is a file in the recordings directory.
// Frozen once released: change the schema with a new migration, never by editing this one.
import { sql, type Kysely, type Migration } from 'kysely';

type AnyDb = Kysely<any>;

export const recordings: Migration = {
  async up(db: AnyDb) {
    // No foreign key to hosts: a recording outlives its host (and tailnet machines are never stored).
    await db.schema
      .createTable('recordings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('host_name', 'text', (c) => c.notNull())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('device', 'text')
      .addColumn('file', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('input', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('end_reason', 'text')
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addCheckConstraint('recordings_format', sql`format in ('asciicast', 'guacamole')`)
      .addCheckConstraint('recordings_state', sql`state in ('recording', 'complete', 'interrupted', 'failed')`)
      .execute();
    await db.schema.createIndex('recordings_started').on('recordings').column('started_at').execute();
    await db.schema.createIndex('recordings_principal_started').on('recordings').columns(['principal', 'started_at']).execute();
    await db.schema.createIndex('recordings_host_started').on('recordings').columns(['host_id', 'started_at']).execute();
    await db.schema.createIndex('recordings_state').on('recordings').column('state').execute();
  },
};
