// Tests backend choice from the URL and the SQLite file's set-up (mode 0600, WAL).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../crypto/secret-box.js';
import { openStore, SQLITE_FILE, storeKindFor } from './index.js';

describe('storeKindFor', () => {
  it.each([
    [undefined, 'sqlite'],
    ['', 'sqlite'],
    ['postgres://u@db/porthole', 'postgres'],
    ['postgresql://u@db/porthole', 'postgres'],
    ['POSTGRES://u@db/porthole', 'postgres'],
  ])('%j -> %s', (url, kind) => expect(storeKindFor(url)).toBe(kind));
});

describe('openStore', () => {
  let dataDir: string;
  beforeEach(() => void (dataDir = mkdtempSync(join(tmpdir(), 'porthole-db-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  const secretBox = createSecretBox(randomBytes(32));

  it('refuses a URL of another scheme, naming the scheme but not the password', async () => {
    const open = openStore({ databaseUrl: 'mysql://admin:s3cret@db/porthole', dataDir, secretBox });
    await expect(open).rejects.toThrow('databaseUrl must start with postgres:// or postgresql:// (got scheme "mysql")');
    await expect(open).rejects.not.toThrow(/s3cret/);
  });

  it('creates <dataDir>/porthole.db with mode 0600 in WAL mode, and reopens it', async () => {
    const store = await openStore({ dataDir, secretBox });
    await store.hosts.create({ name: 'a', address: 'a', port: 22, username: 'u', auth: { method: 'keyboard-interactive' }, source: 'config' });
    await store.close();
    const file = join(dataDir, SQLITE_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = new SqliteDatabase(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = await openStore({ dataDir, secretBox });
    expect((await again.hosts.list()).map((h) => h.name)).toEqual(['a']);
    await again.close();
  });

  it('names the database when PostgreSQL is unreachable', async () => {
    const open = openStore({ databaseUrl: `postgres://u@/db?host=${encodeURIComponent(join(dataDir, 'no-socket'))}`, dataDir, secretBox });
    await expect(open).rejects.toThrow(/^store: cannot migrate the database: .*ENOENT/);
  });
});
