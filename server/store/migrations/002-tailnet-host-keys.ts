// Host keys for tailnet peers: the key tables lose their foreign key to hosts so a peer ("ts:<StableID>") can be pinned too.
// Frozen once released: change the schema with a new migration, never by editing this one.
import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<any>;

// Tailnet peers are listed live from tailscaled, not stored as hosts, yet their SSH keys must be pinned
// like any other. The repository now checks that a key belongs to a stored host or a tailnet id, and
// removing a host removes its keys in the same transaction (what ON DELETE CASCADE did).
export const tailnetHostKeys: Migration = {
  async up(db: AnyDb) {
    for (const [table, at] of [
      ['host_keys', 'trusted_at'],
      ['pending_host_keys', 'seen_at'],
    ] as const) {
      const next = `${table}_v2`;
      await db.schema
        .createTable(next)
        .addColumn('host_id', 'text', (c) => c.primaryKey())
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn(at, 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto(next).columns(['host_id', 'algorithm', 'fingerprint', at]).expression(db.selectFrom(table).select(['host_id', 'algorithm', 'fingerprint', at])).execute();
      await db.schema.dropTable(table).execute();
      await db.schema.alterTable(next).renameTo(table).execute();
    }
  },
};
