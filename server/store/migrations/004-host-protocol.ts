// Hosts gain a protocol: SSH (every earlier host) or VNC (remote desktops).
// Frozen once released: change the schema with a new migration, never by editing this one.
import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<any>;

export const hostProtocol: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('hosts').addColumn('protocol', 'text', (c) => c.notNull().defaultTo('ssh')).execute();
  },
};
