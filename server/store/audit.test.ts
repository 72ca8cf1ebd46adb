// The audit store on SQLite and a throwaway PostgreSQL: append, filters, cursor paging, the batched scan, and folding share_events in.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresSkipReason, startPostgres, type PostgresLab } from '../../test/lab/postgres.js';
import { AUDIT_ID_PATTERN } from '../../shared/audit-types.js';
import { createSecretBox } from '../crypto/secret-box.js';
import { createDatabase } from './database.js';
import { openStore, type AuditEventRecord, type NewAuditEvent, type Store } from './index.js';
import { migrationProvider } from './migrations/index.js';

const T0 = 1_700_000_000_000;
const box = createSecretBox(randomBytes(32));
let lab: PostgresLab | undefined;

const backends = [
  { name: 'sqlite', skip: null as string | null, start: async () => {}, stop: async () => {}, url: async () => undefined as string | undefined },
  {
    name: 'postgres',
    skip: postgresSkipReason(),
    start: async () => void (lab = await startPostgres()),
    stop: async () => lab?.stop(),
    url: async () => lab!.newDatabase(),
  },
];

const alice = { principal: 'login:alice@example.com', name: 'Alice Example', device: 'alice-mbp.tail1234.ts.net', address: '100.64.0.2' };
const bob = { principal: 'login:bob@example.com', name: 'Bob Builder', device: 'bobs-phone.tail1234.ts.net', address: '100.64.0.3' };
const event = (at: number, action: string, over: Partial<NewAuditEvent> = {}): NewAuditEvent => ({ at, action, actor: alice, ...over });
const actions = (events: AuditEventRecord[]) => events.map((e) => e.action);

for (const backend of backends) {
  describe.skipIf(backend.skip)(`audit store: ${backend.skip ? `${backend.name} (skipped: ${backend.skip})` : backend.name}`, () => {
    let dataDir: string;
    let databaseUrl: string | undefined;
    let store: Store;

    beforeAll(() => backend.start());
    afterAll(() => backend.stop());
    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'porthole-audit-store-'));
      databaseUrl = await backend.url();
    });
    afterEach(async () => {
      await store?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function seeded(): Promise<AuditEventRecord[]> {
      store = await openStore({ databaseUrl, dataDir, secretBox: box });
      const written = [];
      written.push(await store.audit.append(event(T0, 'auth.login', { actor: { principal: 'owner', name: 'Owner', address: '127.0.0.1' } })));
      written.push(await store.audit.append(event(T0 + 1000, 'host.created', { hostId: 'h-nas', hostName: 'nas', protocol: 'ssh', detail: { address: '10.0.0.5' } })));
      written.push(await store.audit.append(event(T0 + 2000, 'session.start', { actor: bob, hostId: 'h-nas', hostName: 'nas', protocol: 'ssh', sessionId: 's-1' })));
      written.push(await store.audit.append(event(T0 + 3000, 'share.created', { hostId: 'h-pve', hostName: 'pve1', protocol: 'vnc', linkId: 'l-1', detail: { text: 'watch 100%_done' } })));
      written.push(await store.audit.append(event(T0 + 3000, 'share.opened', { actor: { principal: 'guest:p1', name: 'Guest', device: '203.0.113.5 (internet)' }, linkId: 'l-1' })));
      written.push(await store.audit.append(event(T0 + 4000, 'session.end', { actor: bob, hostId: 'h-nas', hostName: 'nas', sessionId: 's-1', detail: { bytes: 1234, durationMs: 2000, reason: 'closed' } })));
      written.push(await store.audit.append(event(T0 + 5000, 'sessionless', { actor: bob })));
      return written;
    }

    it('appends with time-ordered ids and reads back every field, numbers as numbers', async () => {
      const written = await seeded();
      for (const e of written) expect(e.id).toMatch(AUDIT_ID_PATTERN);
      expect([...written.map((e) => e.id)].sort()).toEqual(written.map((e) => e.id));
      const { events, next } = await store.audit.query({}, { limit: 100 });
      expect(next).toBeNull();
      expect(events.map((e) => e.id)).toEqual(written.map((e) => e.id).reverse());
      expect(events.find((e) => e.action === 'session.end')).toEqual({
        id: written[5]!.id, at: T0 + 4000, action: 'session.end', actor: bob, hostId: 'h-nas', hostName: 'nas', protocol: null, sessionId: 's-1', linkId: null,
        detail: { bytes: 1234, durationMs: 2000, reason: 'closed' },
      });
      expect(events.find((e) => e.action === 'auth.login')?.actor).toEqual({ principal: 'owner', name: 'Owner', device: null, address: '127.0.0.1' });
    });

    it.each([
      ['a family', { action: 'session' }, ['session.end', 'session.start']],
      ['an exact action', { action: 'share.opened' }, ['share.opened']],
      ['a family is a whole word, not a prefix of one', { action: 'sess' }, []],
      ['a principal', { actor: bob.principal }, ['sessionless', 'session.end', 'session.start']],
      ['part of a name, any case', { actor: 'ALICE' }, ['share.created', 'host.created']],
      ['a host id', { host: 'h-nas' }, ['session.end', 'session.start', 'host.created']],
      ['part of a host name', { host: 'PVE' }, ['share.created']],
      ['a session', { sessionId: 's-1' }, ['session.end', 'session.start']],
      ['a link', { linkId: 'l-1' }, ['share.opened', 'share.created']],
      ['a time range, from inclusive and to exclusive', { from: T0 + 1000, to: T0 + 3000 }, ['session.start', 'host.created']],
      ['free text in the detail, any case', { text: 'DURATIONms' }, ['session.end']],
      ['free text in a device', { text: 'internet' }, ['share.opened']],
      ['free text with LIKE wildcards taken literally', { text: '100%_d' }, ['share.created']],
      ['a wildcard alone matches only itself', { text: '%' }, ['share.created']],
      ['filters combined', { action: 'session', actor: 'bob', from: T0 + 3000 }, ['session.end']],
    ])('filters by %s', async (_name, filter, expected) => {
      await seeded();
      expect(actions((await store.audit.query(filter, { limit: 100 })).events)).toEqual(expected);
    });

    it('pages newest first with a cursor, and scans oldest first in batches', async () => {
      const written = await seeded();
      const first = await store.audit.query({}, { limit: 3 });
      expect(first.events.map((e) => e.id)).toEqual(written.slice(4).map((e) => e.id).reverse());
      const second = await store.audit.query({}, { limit: 3, before: first.next! });
      expect(second.events.map((e) => e.id)).toEqual(written.slice(1, 4).map((e) => e.id).reverse());
      const last = await store.audit.query({}, { limit: 3, before: second.next! });
      expect(last).toEqual({ events: [expect.objectContaining({ id: written[0]!.id })], next: null });

      const scanned = [];
      for await (const e of store.audit.scan({}, 2)) scanned.push(e.id);
      expect(scanned).toEqual(written.map((e) => e.id));
      const filtered = [];
      for await (const e of store.audit.scan({ action: 'session' }, 1)) filtered.push(e.action);
      expect(filtered).toEqual(['session.start', 'session.end']);
    });

    it('keeps events of one millisecond in the order they were written', async () => {
      store = await openStore({ databaseUrl, dataDir, secretBox: box });
      const names = Array.from({ length: 30 }, (_, i) => `share.e${i}`);
      for (const action of names) await store.audit.append(event(T0, action));
      expect(actions((await store.audit.query({}, { limit: 100 })).events)).toEqual([...names].reverse());
      expect((await store.shares.listEvents('none')).length).toBe(0);
    });

    it('folds share_events (migration 006) into audit_events and drops the old table', async () => {
      // Bring a database to the state before the audit log, with a link and its trail in the old table.
      const { db } = createDatabase({ databaseUrl, dataDir });
      const migrated = await new Migrator({ db, provider: migrationProvider }).migrateTo('007-host-settings');
      expect(migrated.error).toBeUndefined();
      const raw = db as unknown as import('kysely').Kysely<any>;
      await raw.insertInto('share_links').values({
        id: 'link-1', token_hash: 'hash', kind: 'host', host_id: 'h-nas', host_name: 'nas', protocol: 'ssh', session_id: null, mode: 'control',
        audience: 'anyone', label: '', created_by: 'owner', created_by_name: 'Owner', passcode_hash: null, max_uses: 2, uses: 1, created_at: T0, expires_at: T0 + 60_000, revoked_at: null,
      }).execute();
      const old = [
        { id: '000000000001-0a0b0c0d', link_id: 'link-1', at: T0, event: 'created', actor: 'Owner', source: '', session_id: null, detail: 'SSH access to nas' },
        { id: '000000000002-0a0b0c0d', link_id: 'link-1', at: T0 + 5, event: 'refused', actor: 'Guest', source: '203.0.113.9 (internet)', session_id: null, detail: 'wrong passcode' },
        { id: '000000000003-0a0b0c0d', link_id: 'link-1', at: T0 + 5, event: 'opened', actor: 'Guest', source: '203.0.113.9 (internet)', session_id: null, detail: 'use 1 of 2' },
        { id: '000000000004-0a0b0c0d', link_id: 'link-1', at: T0 + 9, event: 'expired', actor: 'gateway', source: '', session_id: 'sess-9', detail: '' },
      ];
      await raw.insertInto('share_events').values(old).execute();
      await db.destroy();

      store = await openStore({ databaseUrl, dataDir, secretBox: box });
      const events = (await store.audit.query({ linkId: 'link-1' }, { limit: 10 })).events.reverse();
      expect(events.map((e) => [e.action, e.actor.principal, e.actor.name, e.actor.device, e.detail])).toEqual([
        ['share.created', 'owner', 'Owner', null, { text: 'SSH access to nas' }],
        ['share.refused', 'legacy:Guest', 'Guest', '203.0.113.9 (internet)', { text: 'wrong passcode' }],
        ['share.opened', 'legacy:Guest', 'Guest', '203.0.113.9 (internet)', { text: 'use 1 of 2' }],
        ['share.expired', 'gateway', 'gateway', null, { text: '' }],
      ]);
      expect(events.every((e) => e.hostId === 'h-nas' && e.hostName === 'nas' && e.protocol === 'ssh' && AUDIT_ID_PATTERN.test(e.id))).toBe(true);
      // The Sharing page's trail reads the same rows back in its old shape.
      expect(await store.shares.listEvents('link-1')).toEqual(old.map((o) => ({ linkId: 'link-1', at: o.at, event: o.event, actor: o.actor, source: o.source, sessionId: o.session_id, detail: o.detail })));
      const check = createDatabase({ databaseUrl, dataDir }).db as unknown as import('kysely').Kysely<any>;
      try {
        await expect(check.selectFrom('share_events').selectAll().execute()).rejects.toThrow(/share_events/);
      } finally {
        await check.destroy();
      }
    });
  });
}
