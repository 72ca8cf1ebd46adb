// Tests the PostgreSQL lab part: why it cannot start (every branch), and a real cluster's start, isolation and stop.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { explainUnavailable, postgresSkipReason, startPostgres, type PostgresFacts } from './postgres.js';

const ok: PostgresFacts = { platform: 'linux', binDir: '/usr/lib/postgresql/15/bin', isRoot: true, hasPostgresUser: true };

describe('explainUnavailable', () => {
  it.each<[string, Partial<PostgresFacts>, RegExp | null]>([
    ['everything present (root)', {}, null],
    ['non-root without a postgres user', { isRoot: false, hasPostgresUser: false }, null],
    ['another OS', { platform: 'darwin' }, /Linux only \(this is darwin\)/],
    ['no package', { binDir: undefined }, /Debian package postgresql is not installed \(no \/usr\/lib\/postgresql\/\*\/bin\/initdb/],
    ['root without a postgres user', { hasPostgresUser: false }, /running as root but there is no 'postgres' system user/],
  ])('%s', (_name, facts, expected) => {
    const reason = explainUnavailable({ ...ok, ...facts });
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });
});

describe('postgresSkipReason', () => {
  it('never skips under CI, so a missing PostgreSQL fails instead of passing', () => {
    expect(postgresSkipReason({ CI: 'true' })).toBeNull();
  });
});

async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const skip = postgresSkipReason();
describe.skipIf(skip)(skip ? `startPostgres (skipped: ${skip})` : 'startPostgres', () => {
  it('starts a private PostgreSQL >= 15 on a unix socket, isolates databases and stops cleanly', async () => {
    const lab = await startPostgres();
    // pg accepts "postgres://user@/db?host=/dir" (WHATWG URL does not: no host before the path).
    const socketDir = decodeURIComponent(/[?&]host=([^&]+)/.exec(lab.url)?.[1] ?? '');
    try {
      expect(socketDir).toMatch(/^\//);
      expect(existsSync(`${socketDir}/.s.PGSQL.5432`)).toBe(true);
      const [info] = await query(lab.url, "select current_database() as db, current_setting('server_version_num')::int as v, current_setting('listen_addresses') as listen");
      expect(info).toEqual({ db: 'porthole', v: expect.any(Number), listen: '' });
      expect(info!.v).toBeGreaterThanOrEqual(150000);

      const other = await lab.newDatabase();
      await query(other, 'create table only_here (x int)');
      await expect(query(lab.url, 'select * from only_here')).rejects.toThrow(/does not exist/);
    } finally {
      await lab.stop();
    }
    expect(existsSync(socketDir)).toBe(false);
    await expect(query(lab.url, 'select 1')).rejects.toThrow();
  });
});
