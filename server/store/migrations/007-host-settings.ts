// Hosts gain protocol settings as JSON (RDP: keyboard layout, security mode, domain).
// Frozen once released: change the schema with a new migration, never by editing this one.
import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<any>;

export const hostSettings: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('hosts').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  },
};
