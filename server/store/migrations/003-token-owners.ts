// API tokens remember who made them in tailnet mode, and the rights that person had, so a token never outranks its maker.
// Frozen once released: change the schema with a new migration, never by editing this one.
import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<any>;

export const tokenOwners: Migration = {
  async up(db: AnyDb) {
    // Null owner: a local-mode owner token, with every right (what all earlier tokens were).
    await db.schema.alterTable('api_tokens').addColumn('owner_principal', 'text').execute();
    await db.schema.alterTable('api_tokens').addColumn('owner_name', 'text').execute();
    await db.schema.alterTable('api_tokens').addColumn('owner_permissions', 'text').execute();
  },
};
