// Brings the schema up to date at open: Kysely's Migrator over the compiled-in migrations.
import { Migrator, type Kysely } from 'kysely';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema-types.js';

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  // Migrator takes a lock (an advisory lock on PostgreSQL), so several gateways starting together migrate once.
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    // No failed migration means none ran: the database itself was unreachable or refused us.
    const what = failed ? `store migration ${failed} failed` : 'store: cannot migrate the database';
    throw new Error(`${what}: ${message}`, { cause: error });
  }
}
