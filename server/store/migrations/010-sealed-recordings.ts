// Recordings remember whether their file was sealed, so a plain file put in a sealed one's place is refused, not served.
// Frozen once released: change the schema with a new migration, never by editing this one.
import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<any>;

export const sealedRecordings: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('recordings').addColumn('sealed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};
