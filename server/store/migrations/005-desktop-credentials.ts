// Hosts may log in with no credential (VNC security None), and their protocol is checked like their other fields.
// Frozen once released: change the schema with a new migration, never by editing this one.
import { sql, type Kysely, type Migration } from 'kysely';

type AnyDb = Kysely<any>;

const COLUMNS = ['id', 'name', 'address', 'port', 'username', 'auth_method', 'credential_enc', 'source', 'created_at', 'updated_at', 'protocol'] as const;

/**
 * A CHECK constraint cannot be altered in SQLite, so the table is rebuilt (the same way on PostgreSQL, to
 * keep one code path). Nothing references hosts by foreign key since 002, so the rebuild is safe.
 */
export const desktopCredentials: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('hosts_v5')
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
      .addColumn('protocol', 'text', (c) => c.notNull().defaultTo('ssh'))
      .addCheckConstraint('hosts_v5_port_range', sql`port between 1 and 65535`)
      .addCheckConstraint('hosts_v5_auth_method', sql`auth_method in ('password', 'key', 'keyboard-interactive', 'none')`)
      .addCheckConstraint('hosts_v5_source', sql`source in ('ui', 'config')`)
      .addCheckConstraint('hosts_v5_protocol', sql`protocol in ('ssh', 'vnc', 'rdp')`)
      .execute();
    await db.insertInto('hosts_v5').columns([...COLUMNS]).expression(db.selectFrom('hosts').select([...COLUMNS])).execute();
    await db.schema.dropTable('hosts').execute();
    await db.schema.alterTable('hosts_v5').renameTo('hosts').execute();
  },
};
