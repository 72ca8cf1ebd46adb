// Public face of server/store: openStore() picks SQLite or PostgreSQL, migrates, and returns the repositories.
import type { SecretBox } from '../crypto/secret-box.js';
import { createAuditStore } from './audit.js';
import { createAuthStore } from './auth.js';
import { createDatabase } from './database.js';
import { createHostKeyStore } from './host-keys.js';
import { createHostStore } from './hosts.js';
import { migrateToLatest } from './migrate.js';
import { createRecordingStore } from './recordings.js';
import { createShareStore } from './share-links.js';
import type { Store } from './types.js';

export * from './types.js';
export { SQLITE_FILE, storeKindFor, type StoreKind } from './database.js';

export interface OpenStoreOptions {
  /** postgres:// or postgresql:// for PostgreSQL; omitted or empty for SQLite at `<dataDir>/porthole.db`. */
  databaseUrl?: string;
  dataDir: string;
  secretBox: SecretBox;
  /** Epoch milliseconds for host timestamps and key pinning; tests replace it. */
  now?: () => number;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { db, kind } = createDatabase(options);
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const now = options.now ?? Date.now;
  return {
    kind,
    hosts: createHostStore(db, options.secretBox, now),
    hostKeys: createHostKeyStore(db, now),
    auth: createAuthStore(db),
    shares: createShareStore(db),
    audit: createAuditStore(db),
    recordings: createRecordingStore(db),
    close: () => db.destroy(),
  };
}
