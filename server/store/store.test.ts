// One table-driven contract suite run against every backend: SQLite in a temp dir and a throwaway PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresSkipReason, startPostgres, type PostgresLab } from '../../test/lab/postgres.js';
import type { HostAuthInput } from '../../shared/api-types.js';
import { createSecretBox } from '../crypto/secret-box.js';
import { hashSecret, newSecretToken } from '../crypto/tokens.js';
import { openStore, SQLITE_FILE, StoreConflictError, type NewHost, type RecordingRecord, type Store } from './index.js';

type Row = Record<string, unknown>;
/** Raw SQL past the store, `?` placeholders on both backends. */
type RawQuery = (sql: string, params?: unknown[]) => Promise<Row[]>;
interface Database {
  databaseUrl?: string;
  raw: RawQuery;
  drop(): Promise<void>;
}
interface Backend {
  name: 'sqlite' | 'postgres';
  skip: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  freshDatabase(dataDir: string): Promise<Database>;
}

const sqlite: Backend = {
  name: 'sqlite',
  skip: null,
  start: async () => {},
  stop: async () => {},
  async freshDatabase(dataDir) {
    const raw: RawQuery = async (sql, params = []) => {
      const db = new SqliteDatabase(join(dataDir, SQLITE_FILE));
      try {
        const statement = db.prepare(sql);
        return statement.reader ? (statement.all(...params) as Row[]) : (statement.run(...params), []);
      } finally {
        db.close();
      }
    };
    return { raw, drop: async () => {} };
  },
};

let lab: PostgresLab | undefined;
const postgres: Backend = {
  name: 'postgres',
  skip: postgresSkipReason(),
  start: async () => void (lab = await startPostgres()),
  stop: async () => lab?.stop(),
  async freshDatabase() {
    const databaseUrl = await lab!.newDatabase();
    const client = new pg.Client(databaseUrl);
    client.on('error', () => {});
    await client.connect();
    const raw: RawQuery = async (sql, params = []) => {
      let n = 0;
      return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as Row[];
    };
    return { databaseUrl, raw, drop: () => client.end() };
  },
};

const T0 = 1_700_000_000_000; // past 2^31: timestamps must survive as bigint and come back as numbers
const HOUR = 3_600_000;
const box = createSecretBox(randomBytes(32));

const auths: [string, HostAuthInput, string[]][] = [
  ['password', { method: 'password', password: 'hunter2-secret' }, ['hunter2-secret']],
  ['key + passphrase', { method: 'key', privateKey: '-----BEGIN KEY-----\nAAAA\n', passphrase: 'pass-phrase' }, ['BEGIN KEY', 'pass-phrase']],
  ['key', { method: 'key', privateKey: '-----BEGIN KEY-----\nBBBB\n' }, ['BEGIN KEY']],
  ['keyboard-interactive', { method: 'keyboard-interactive' }, []],
];
const newHost = (name: string, auth: HostAuthInput = auths[0]![1]): NewHost =>
  ({ name, address: '10.0.0.5', port: 22, username: 'ops', auth, source: 'ui' });
const ed25519 = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:aaaa' };
const rsa = { algorithm: 'rsa-sha2-512', fingerprint: 'SHA256:bbbb' };

for (const backend of [sqlite, postgres]) {
  const title = backend.skip ? `${backend.name} (skipped: ${backend.skip})` : backend.name;
  describe.skipIf(backend.skip)(title, () => {
    const clock = { now: T0 };
    let dataDir: string;
    let database: Database;
    let store: Store;
    const opened: Store[] = [];
    const open = async () => {
      const s = await openStore({ databaseUrl: database.databaseUrl, dataDir, secretBox: box, now: () => clock.now });
      opened.push(s);
      return s;
    };

    beforeAll(() => backend.start());
    afterAll(() => backend.stop());
    beforeEach(async () => {
      clock.now = T0;
      dataDir = mkdtempSync(join(tmpdir(), 'porthole-store-'));
      database = await backend.freshDatabase(dataDir);
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('reports its kind', () => expect(store.kind).toBe(backend.name));

    describe('hosts', () => {
      it.each(auths)('round-trips a %s credential, stored sealed', async (_name, auth, secrets) => {
        const created = await store.hosts.create(newHost('web', auth));
        expect(created).toMatchObject({ name: 'web', authMethod: auth.method, credential: auth, createdAt: T0, updatedAt: T0 });
        expect(await store.hosts.get(created.id)).toEqual(created);
        expect(await store.hosts.getByName('web')).toEqual(created);
        const [row] = await database.raw('select * from hosts where id = ?', [created.id]);
        expect(row!.auth_method).toBe(auth.method);
        const stored = String(row!.credential_enc);
        expect(stored).toMatch(/^v1\./);
        for (const secret of [...secrets, JSON.stringify(auth)]) expect(stored).not.toContain(secret);
      });

      it('returns numbers for port and timestamps', async () => {
        const { id } = await store.hosts.create(newHost('web'));
        const host = (await store.hosts.get(id))!;
        expect([typeof host.port, typeof host.createdAt, typeof host.updatedAt]).toEqual(['number', 'number', 'number']);
        expect(host.createdAt).toBe(T0);
        // int8-as-number is the store pool's own setting: a plain pg client still gets strings.
        const [row] = await database.raw('select created_at from hosts where id = ?', [id]);
        expect(row!.created_at).toBe(backend.name === 'postgres' ? String(T0) : T0);
      });

      it('keeps a VNC host without a credential, and refuses an unknown protocol', async () => {
        const host = await store.hosts.create({ ...newHost('desk', { method: 'none' }), protocol: 'vnc', username: '', port: 5900 });
        expect(await store.hosts.get(host.id)).toMatchObject({ protocol: 'vnc', authMethod: 'none', credential: { method: 'none' }, username: '' });
        await expect(store.hosts.create({ ...newHost('odd'), protocol: 'telnet' as never })).rejects.toThrow();
      });

      it('lists hosts by name', async () => {
        for (const name of ['b', 'c', 'a']) await store.hosts.create(newHost(name));
        expect((await store.hosts.list()).map((h) => h.name)).toEqual(['a', 'b', 'c']);
      });

      it('refuses a taken name on create and on rename with StoreConflictError', async () => {
        await store.hosts.create(newHost('web'));
        const other = await store.hosts.create(newHost('db'));
        await expect(store.hosts.create(newHost('web'))).rejects.toThrow(StoreConflictError);
        await expect(store.hosts.update(other.id, { name: 'web' })).rejects.toThrow(StoreConflictError);
        expect(await store.hosts.update(other.id, { name: 'db' })).toMatchObject({ name: 'db' });
        expect((await store.hosts.list()).map((h) => h.name)).toEqual(['db', 'web']);
      });

      it('updates fields, keeping the stored credential when auth is omitted', async () => {
        const created = await store.hosts.create(newHost('web'));
        const [before] = await database.raw('select credential_enc from hosts where id = ?', [created.id]);
        clock.now = T0 + 1000;
        const updated = await store.hosts.update(created.id, { name: 'web2', address: 'web.lab', port: 2222, username: 'root' });
        expect(updated).toEqual({ ...created, name: 'web2', address: 'web.lab', port: 2222, username: 'root', updatedAt: T0 + 1000 });
        const [after] = await database.raw('select credential_enc from hosts where id = ?', [created.id]);
        expect(after!.credential_enc).toBe(before!.credential_enc);
      });

      it('replaces the credential and auth method when auth is given', async () => {
        const created = await store.hosts.create(newHost('web'));
        const key = auths[1]![1];
        expect(await store.hosts.update(created.id, { auth: key })).toMatchObject({ authMethod: 'key', credential: key });
        expect((await store.hosts.get(created.id))!.credential).toEqual(key);
      });

      it('refuses a credential copied onto another host row', async () => {
        const a = await store.hosts.create(newHost('a'));
        const b = await store.hosts.create(newHost('b'));
        const [row] = await database.raw('select credential_enc from hosts where id = ?', [a.id]);
        await database.raw('update hosts set credential_enc = ? where id = ?', [row!.credential_enc, b.id]);
        await expect(store.hosts.get(b.id)).rejects.toThrow(`host ${b.id} (b): cannot open the stored credential`);
      });

      it('answers undefined/false for an unknown id', async () => {
        expect(await store.hosts.get('nope')).toBeUndefined();
        expect(await store.hosts.getByName('nope')).toBeUndefined();
        expect(await store.hosts.update('nope', { port: 23 })).toBeUndefined();
        expect(await store.hosts.remove('nope')).toBe(false);
      });

      it('removes a host with its pinned and pending keys', async () => {
        const { id } = await store.hosts.create(newHost('web'));
        await store.hostKeys.pin(id, ed25519);
        await store.hostKeys.setPending(id, rsa);
        expect(await store.hosts.remove(id)).toBe(true);
        expect(await store.hosts.get(id)).toBeUndefined();
        expect(await store.hostKeys.getPinned(id)).toBeUndefined();
        expect(await database.raw('select * from host_keys')).toEqual([]);
        expect(await database.raw('select * from pending_host_keys')).toEqual([]);
      });
    });

    describe('host keys', () => {
      let hostId: string;
      beforeEach(async () => void ({ id: hostId } = await store.hosts.create(newHost('web'))));

      it('pins, records a pending change, accepts it and forgets', async () => {
        expect(await store.hostKeys.getPinned(hostId)).toBeUndefined();
        await store.hostKeys.pin(hostId, ed25519);
        expect(await store.hostKeys.getPinned(hostId)).toEqual({ ...ed25519, trustedAt: T0 });

        clock.now = T0 + 1;
        await store.hostKeys.setPending(hostId, ed25519);
        await store.hostKeys.setPending(hostId, rsa); // the latest presented key replaces an older pending one
        expect(await store.hostKeys.getPending(hostId)).toEqual({ ...rsa, seenAt: T0 + 1 });

        clock.now = T0 + 2;
        await store.hostKeys.pin(hostId, rsa);
        expect(await store.hostKeys.getPinned(hostId)).toEqual({ ...rsa, trustedAt: T0 + 2 });
        expect(await store.hostKeys.getPending(hostId)).toBeUndefined();

        await store.hostKeys.setPending(hostId, ed25519);
        await store.hostKeys.forget(hostId);
        expect(await store.hostKeys.getPinned(hostId)).toBeUndefined();
        expect(await store.hostKeys.getPending(hostId)).toBeUndefined();
      });

      it.each([['pin'], ['setPending']] as const)('%s refuses an unknown host but takes a tailnet peer id', async (method) => {
        await expect(store.hostKeys[method]('nope', ed25519)).rejects.toThrow(/no host with id "nope"/);
        await expect(store.hostKeys[method]('ts:', ed25519)).rejects.toThrow(/no host/);
        await store.hostKeys[method]('ts:nK3mZp2CNTRL', ed25519);
        const stored = method === 'pin' ? await store.hostKeys.getPinned('ts:nK3mZp2CNTRL') : await store.hostKeys.getPending('ts:nK3mZp2CNTRL');
        expect(stored).toMatchObject(ed25519);
      });

      it('removing a host removes its pinned and pending keys', async () => {
        const host = await store.hosts.create(newHost('keyed', { method: 'keyboard-interactive' }));
        await store.hostKeys.pin(host.id, rsa);
        await store.hostKeys.setPending(host.id, ed25519);
        await store.hosts.remove(host.id);
        expect(await store.hostKeys.getPinned(host.id)).toBeUndefined();
        expect(await store.hostKeys.getPending(host.id)).toBeUndefined();
      });
    });

    describe('login links', () => {
      it.each([
        { link: 'an unused link before expiry', expiresAt: T0 + HOUR, now: T0, ok: true },
        { link: 'a link at its expiry', expiresAt: T0 + HOUR, now: T0 + HOUR, ok: false },
        { link: 'a long-expired link', expiresAt: T0, now: T0 + HOUR, ok: false },
      ])('redeeming $link answers $ok', async ({ expiresAt, now, ok }) => {
        const token = newSecretToken();
        await store.auth.createLoginLink(token, expiresAt);
        expect(await store.auth.redeemLoginLink(token, now)).toBe(ok);
      });

      it('works exactly once and keeps only the hash', async () => {
        const token = newSecretToken();
        await store.auth.createLoginLink(token, T0 + HOUR);
        expect(await store.auth.redeemLoginLink('unknown-token', T0)).toBe(false);
        expect(await store.auth.redeemLoginLink(token, T0)).toBe(true);
        expect(await store.auth.redeemLoginLink(token, T0 + 1)).toBe(false);
        expect(await database.raw('select * from login_links')).toEqual([{ token_hash: hashSecret(token), expires_at: expect.anything(), used_at: expect.anything() }]);
      });

      it('lets exactly one of many concurrent redeems, across two gateway instances, win', async () => {
        const other = await open();
        const token = newSecretToken();
        await store.auth.createLoginLink(token, T0 + HOUR);
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).auth.redeemLoginLink(token, T0)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('login sessions', () => {
      it('finds a session until it expires, then not; delete ends it', async () => {
        const id = newSecretToken();
        await store.auth.createLoginSession(id, 'owner', T0, T0 + HOUR);
        expect(await store.auth.getLoginSession(id, T0 + HOUR - 1)).toEqual({ identity: 'owner', createdAt: T0, expiresAt: T0 + HOUR });
        expect(await store.auth.getLoginSession(id, T0 + HOUR)).toBeUndefined();
        expect(await store.auth.getLoginSession(newSecretToken(), T0)).toBeUndefined();
        expect(await database.raw('select id_hash from login_sessions')).toEqual([{ id_hash: hashSecret(id) }]);
        await store.auth.deleteLoginSession(id);
        expect(await store.auth.getLoginSession(id, T0)).toBeUndefined();
      });

      it('sweeps expired sessions when a new one starts', async () => {
        await store.auth.createLoginSession(newSecretToken(), 'old', T0, T0 + 10);
        await store.auth.createLoginSession(newSecretToken(), 'new', T0 + 10, T0 + HOUR);
        expect(await database.raw('select identity from login_sessions')).toEqual([{ identity: 'new' }]);
      });
    });

    describe('API tokens', () => {
      it('keeps a tailnet token\'s maker and their permission snapshot', async () => {
        const token = newSecretToken('pht_');
        const owner = { principal: 'login:alice@example.com', name: 'Alice', permissions: '{"role":"operator"}' };
        const created = await store.auth.createApiToken(token, 'deploy', T0, owner);
        expect(created.owner).toEqual(owner);
        expect((await store.auth.useApiToken(token, T0 + 1))?.owner).toEqual(owner);
      });

      it('creates, uses (recording last use), lists and deletes, keeping only the hash', async () => {
        const token = newSecretToken('pht_');
        const created = await store.auth.createApiToken(token, 'ci', T0);
        expect(created).toEqual({ id: expect.any(String), name: 'ci', createdAt: T0, lastUsedAt: null, owner: null });
        expect(await store.auth.useApiToken(token, T0 + 5)).toEqual({ ...created, lastUsedAt: T0 + 5 });
        expect(await store.auth.useApiToken(newSecretToken('pht_'), T0 + 6)).toBeUndefined();
        const [listed] = await store.auth.listApiTokens();
        expect(listed).toEqual({ ...created, lastUsedAt: T0 + 5 });
        expect([typeof listed!.createdAt, typeof listed!.lastUsedAt]).toEqual(['number', 'number']);
        expect(await database.raw('select token_hash from api_tokens')).toEqual([{ token_hash: hashSecret(token) }]);

        expect(await store.auth.deleteApiToken(created.id)).toBe(true);
        expect(await store.auth.deleteApiToken(created.id)).toBe(false);
        expect(await store.auth.useApiToken(token, T0 + 7)).toBeUndefined();
        expect(await store.auth.listApiTokens()).toEqual([]);
      });

      it('lists tokens oldest first', async () => {
        await store.auth.createApiToken(newSecretToken(), 'second', T0 + 1);
        await store.auth.createApiToken(newSecretToken(), 'first', T0);
        expect((await store.auth.listApiTokens()).map((t) => t.name)).toEqual(['first', 'second']);
      });
    });

    describe('share links', () => {
      const link = (overrides: Partial<Parameters<Store['shares']['create']>[1]> = {}) => ({
        kind: 'host' as const, hostId: 'h1', hostName: 'nas', protocol: 'ssh' as const, sessionId: null, mode: 'control' as const,
        audience: 'anyone' as const, label: '', createdBy: 'owner', createdByName: 'Owner', passcodeHash: null, maxUses: 2,
        createdAt: T0, expiresAt: T0 + 60_000, ...overrides,
      });

      it('finds a link by its token, keeping only the hash, and counts uses up to the limit', async () => {
        const token = newSecretToken();
        const created = await store.shares.create(token, link());
        expect(await store.shares.findByToken(token)).toEqual(created);
        expect(await store.shares.findByToken(newSecretToken())).toBeUndefined();
        expect(await database.raw('select token_hash from share_links')).toEqual([{ token_hash: hashSecret(token) }]);
        expect(await store.shares.claimUse(created.id, T0 + 1)).toBe(true);
        expect(await store.shares.claimUse(created.id, T0 + 2)).toBe(true);
        expect(await store.shares.claimUse(created.id, T0 + 3)).toBe(false);
        expect((await store.shares.get(created.id))?.uses).toBe(2);
      });

      it('counts no use once expired or revoked, and revokes a host\'s live links', async () => {
        const a = await store.shares.create(newSecretToken(), link({ maxUses: null }));
        const b = await store.shares.create(newSecretToken(), link({ maxUses: null, expiresAt: T0 + 10 }));
        const other = await store.shares.create(newSecretToken(), link({ hostId: 'h2' }));
        expect(await store.shares.claimUse(b.id, T0 + 10)).toBe(false);
        expect(await store.shares.revokeForHost('h1', T0 + 20)).toEqual([a.id]);
        expect(await store.shares.claimUse(a.id, T0 + 21)).toBe(false);
        expect(await store.shares.revoke(a.id, T0 + 22)).toBe(false);
        expect((await store.shares.get(a.id))?.revokedAt).toBe(T0 + 20);
        expect((await store.shares.list('owner')).map((l) => l.id).sort()).toEqual([a.id, b.id, other.id].sort());
        expect(await store.shares.list('someone-else')).toEqual([]);
      });

      it('keeps a link\'s events in the order they happened, even within one millisecond', async () => {
        const created = await store.shares.create(newSecretToken(), link());
        const kinds = ['created', 'opened', 'joined', 'left', 'revoked'];
        for (const event of kinds) await store.shares.addEvent({ linkId: created.id, at: T0, event, actor: 'a', source: 's', sessionId: null, detail: '' });
        expect((await store.shares.listEvents(created.id)).map((e) => e.event)).toEqual(kinds);
      });
    });

    describe('recordings', () => {
      const recording = (id: string, overrides: Partial<RecordingRecord> = {}): RecordingRecord => ({
        id, sessionId: `s-${id}`, hostId: 'h1', hostName: 'nas', protocol: 'ssh', format: 'asciicast', principal: 'owner', userName: 'Owner',
        device: null, file: `${id}.cast`, startedAt: T0, endedAt: null, bytes: 0, input: false, sealed: false, state: 'recording', endReason: null,
        width: 80, height: 24, ...overrides,
      });

      it('indexes recordings, lists them newest first with filters, and records how they ended', async () => {
        await store.recordings.create(recording('a'));
        await store.recordings.create(recording('b', { startedAt: T0 + 10, hostId: 'h2', principal: 'login:bob', input: true, sealed: true, format: 'guacamole', protocol: 'vnc' }));
        await store.recordings.create(recording('c', { startedAt: T0 + 20 }));
        expect((await store.recordings.list()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
        expect((await store.recordings.list({ principal: 'login:bob' })).map((r) => r.id)).toEqual(['b']);
        expect((await store.recordings.list({ hostId: 'h1', before: T0 + 20 })).map((r) => r.id)).toEqual(['a']);
        expect((await store.recordings.list({ format: 'asciicast', limit: 1 })).map((r) => r.id)).toEqual(['c']);
        expect((await store.recordings.list({ protocol: 'vnc' }))[0]).toEqual(recording('b', { startedAt: T0 + 10, hostId: 'h2', principal: 'login:bob', input: true, sealed: true, format: 'guacamole', protocol: 'vnc' }));
        expect((await store.recordings.unfinished()).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
        await store.recordings.finish('a', { endedAt: T0 + 5, bytes: 5_000_000_000, state: 'complete', endReason: 'the shell exited with code 0' });
        expect(await store.recordings.get('a')).toMatchObject({ endedAt: T0 + 5, bytes: 5_000_000_000, state: 'complete', endReason: 'the shell exited with code 0' });
        expect((await store.recordings.unfinished()).map((r) => r.id).sort()).toEqual(['b', 'c']);
        expect((await store.recordings.sizes()).map((r) => [r.id, r.bytes])).toEqual([['a', 5_000_000_000], ['b', 0], ['c', 0]]);
        expect(await store.recordings.remove('a')).toBe(true);
        expect(await store.recordings.remove('a')).toBe(false);
        expect(await store.recordings.get('a')).toBeUndefined();
      });
    });
  });
}
