// Opens the Kysely database for a backend: embedded SQLite by default, PostgreSQL when given a postgres:// URL.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema-types.js';

export type StoreKind = 'sqlite' | 'postgres';
export const SQLITE_FILE = 'porthole.db';

const PG_INT8_OID = 20;

export function storeKindFor(databaseUrl: string | undefined): StoreKind {
  return databaseUrl && /^postgres(ql)?:\/\//i.test(databaseUrl) ? 'postgres' : 'sqlite';
}

export function createDatabase(options: { databaseUrl?: string; dataDir: string }): { db: Kysely<Database>; kind: StoreKind } {
  const kind = storeKindFor(options.databaseUrl);
  if (options.databaseUrl && kind === 'sqlite') {
    // Only the scheme is named: the URL may carry a password.
    const scheme = options.databaseUrl.split(':', 1)[0];
    throw new Error(`databaseUrl must start with postgres:// or postgresql:// (got scheme "${scheme}"); omit it for SQLite`);
  }
  const dialect = kind === 'postgres' ? postgresDialect(options.databaseUrl!) : sqliteDialect(options.dataDir);
  return { db: new Kysely<Database>({ dialect }), kind };
}

function sqliteDialect(dataDir: string): SqliteDialect {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SQLITE_FILE);
  // Create the file 0600 before SQLite does: its -wal and -shm files copy this mode, and the
  // database holds host addresses, user names and credential ciphertexts.
  closeSync(openSync(file, 'a', 0o600));
  const database = new SqliteDatabase(file, { timeout: 5_000 });
  database.pragma('journal_mode = WAL');
  // SQLite ignores REFERENCES ... ON DELETE CASCADE unless told otherwise, per connection.
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL'); // safe with WAL: a crash may lose the last commit, never corrupt
  return new SqliteDialect({ database });
}

function postgresDialect(connectionString: string): PostgresDialect {
  const pool = new pg.Pool({
    connectionString,
    // int8 (bigint) columns hold epoch milliseconds: return them as numbers for this pool only, leaving
    // pg's global parsers alone for other code. Refuse values a double cannot hold exactly.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server connection emits 'error' on the pool; unhandled it would crash the process.
  pool.on('error', () => {});
  return new PostgresDialect({ pool });
}

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} does not fit a JavaScript number`);
  return n;
}
