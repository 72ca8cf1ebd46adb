// ShareService on a real SQLite store with a replaceable clock: expiry at T, use counts, the race for the last use, revocation, hashed passcodes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreatedShareLink } from '../../shared/share-types.js';
import { capturedLog } from '../../test/support/test-gateway.js';
import { ownerIdentity } from '../auth/identity.js';
import { createSecretBox } from '../crypto/secret-box.js';
import { hashSecret } from '../crypto/tokens.js';
import type { DesktopSessionRegistry } from '../sessions/desktop-session-registry.js';
import type { SessionRegistry } from '../sessions/session-registry.js';
import { openStore, SQLITE_FILE, type HostRecord, type Store } from '../store/index.js';
import { ShareError } from './share-errors.js';
import { ShareService, type GuestRequest } from './share-service.js';

const T0 = 1_800_000_000_000;
const MINUTE = 60_000;
const owner = ownerIdentity('browser');
/** Host links start no session until a WebSocket asks: the registries are never reached here. */
const noSessions = { get: () => undefined } as unknown as SessionRegistry & DesktopSessionRegistry;

function guest(n: number | string): GuestRequest {
  return { source: `203.0.113.${n} (internet)`, sourceKey: `ip:203.0.113.${n}` };
}

function tokenOf(link: CreatedShareLink): string {
  return link.url.slice(link.url.indexOf('#') + 1);
}

/** The refusal code of a promise that must reject with a ShareError. */
async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a refusal').toBeInstanceOf(ShareError);
  return (error as ShareError).code;
}

describe('ShareService on SQLite with a replaceable clock', () => {
  const clock = { now: T0 };
  let dataDir: string;
  let store: Store;
  let shares: ShareService;
  let host: HostRecord;
  let logText: () => string;

  beforeEach(async () => {
    clock.now = T0;
    dataDir = mkdtempSync(join(tmpdir(), 'porthole-share-service-'));
    store = await openStore({ dataDir, secretBox: createSecretBox(randomBytes(32)), now: () => clock.now });
    host = await store.hosts.create({ name: 'lab', address: '10.0.0.5', port: 22, username: 'ops', auth: { method: 'password', password: 'host-secret' }, source: 'ui' });
    const captured = capturedLog();
    logText = captured.logText;
    shares = new ShareService({ store, sessions: noSessions, desktops: noSessions, log: captured.log, mode: 'local', now: () => clock.now });
  });
  afterEach(async () => {
    shares.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const hostLink = (over: { expiresInMinutes?: number; maxUses?: number; passcode?: string } = {}) =>
    shares.create(owner, { kind: 'host', hostId: host.id, mode: 'control', audience: 'anyone', expiresInMinutes: 10, maxUses: 100, ...over }, 'http://127.0.0.1:8470');
  const stateOf = async (id: string) => (await shares.list(owner)).find((l) => l.id === id)!.state;

  it('a link opens until just before its expiry T and is expired at T, for new opens and for passes already out', async () => {
    const link = await hostLink({ expiresInMinutes: 10 });
    const T = T0 + 10 * MINUTE;
    expect(link.expiresAt).toBe(T);

    clock.now = T - 1;
    const ticket = await shares.open(tokenOf(link), undefined, guest(1));
    expect(ticket.link.expiresAt).toBe(T);
    expect(ticket.link.serverNow).toBe(T - 1);
    expect(shares.admit(ticket.pass, undefined, 'ip:203.0.113.1').kind).toBe('start');
    expect(await stateOf(link.id)).toBe('active');
    // The store's own guard agrees: a use can still be claimed a millisecond before T.
    expect(await store.shares.claimUse(link.id, T - 1)).toBe(true);

    clock.now = T;
    expect(await refusal(shares.open(tokenOf(link), undefined, guest(2)))).toBe('expired');
    expect(() => shares.admit(ticket.pass, undefined, 'ip:203.0.113.1')).toThrow(expect.objectContaining({ code: 'expired' }));
    expect(await stateOf(link.id)).toBe('expired');
    expect(await store.shares.claimUse(link.id, T)).toBe(false);
    // Two uses were counted (the open and the direct claim), none after T.
    expect((await store.shares.get(link.id))!.uses).toBe(2);
    const events = await store.shares.listEvents(link.id);
    expect(events.map((e) => e.event)).toEqual(['created', 'opened', 'refused']);
    expect(events[2]!.detail).toMatch(/expired/);
  });

  it('maxUses N lets exactly N opens, then the link is used up', async () => {
    const link = await hostLink({ maxUses: 3 });
    for (let i = 1; i <= 3; i++) await shares.open(tokenOf(link), undefined, guest(i));
    expect(await refusal(shares.open(tokenOf(link), undefined, guest(4)))).toBe('used-up');
    expect(await stateOf(link.id)).toBe('used-up');
    expect((await store.shares.get(link.id))!.uses).toBe(3);
  });

  it('guests racing for the last use: exactly one wins, with and without a passcode', async () => {
    const plain = await hostLink({ maxUses: 3 });
    await shares.open(tokenOf(plain), undefined, guest(1));
    await shares.open(tokenOf(plain), undefined, guest(2));
    const race = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => shares.open(tokenOf(plain), undefined, guest(10 + i))));
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const losers = race.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(losers.map((r) => (r.reason as ShareError).code)).toEqual(Array(11).fill('used-up'));
    expect((await store.shares.get(plain.id))!.uses).toBe(3);

    // With a passcode every contender is inside scrypt (off the event loop) at once before claiming
    // (four: each attempt counts against the link's five before it is checked).
    const guarded = await hostLink({ maxUses: 1, passcode: 'race-code-77' });
    const second = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => shares.open(tokenOf(guarded), 'race-code-77', guest(40 + i))));
    expect(second.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(second.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as ShareError).code)).toEqual(Array(3).fill('used-up'));
    expect((await store.shares.get(guarded.id))!.uses).toBe(1);
  });

  it('passcode guesses sent all at once are counted before they are checked: at most five reach scrypt', async () => {
    const link = await hostLink({ maxUses: 5, passcode: 'right-one-123' });
    const burst = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => shares.open(tokenOf(link), `guess-${i}`, guest(60 + i))));
    const codes = burst.map((r) => ((r as PromiseRejectedResult).reason as ShareError).code);
    expect(codes.filter((c) => c === 'wrong-passcode')).toHaveLength(5);
    expect(codes.filter((c) => c === 'rate-limited')).toHaveLength(15);
    // And the right passcode waits like everyone else.
    expect(await refusal(shares.open(tokenOf(link), 'right-one-123', guest(99)))).toBe('rate-limited');
  });

  it('a revoked link refuses new opens and the passes it gave out', async () => {
    const link = await hostLink();
    const ticket = await shares.open(tokenOf(link), undefined, guest(1));
    await shares.revoke(owner, link.id);
    expect(await refusal(shares.open(tokenOf(link), undefined, guest(2)))).toBe('revoked');
    expect(() => shares.admit(ticket.pass, undefined, 'ip:203.0.113.1')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(await stateOf(link.id)).toBe('revoked');
    expect(await store.shares.claimUse(link.id, clock.now)).toBe(false);
    // Revoking again changes nothing and records nothing twice.
    await shares.revoke(owner, link.id);
    expect((await store.shares.listEvents(link.id)).filter((e) => e.event === 'revoked')).toHaveLength(1);
  });

  it('passcode guessing locks the link for every source until the window passes; the right passcode waits too', async () => {
    const link = await hostLink({ expiresInMinutes: 60, passcode: 'letmein-42' });
    for (let i = 1; i <= 5; i++) expect(await refusal(shares.open(tokenOf(link), `wrong-${i}`, guest(i)))).toBe('wrong-passcode');
    const locked = await shares.open(tokenOf(link), 'letmein-42', guest(99)).catch((e: ShareError) => e);
    expect(locked).toBeInstanceOf(ShareError);
    expect((locked as ShareError).code).toBe('rate-limited');
    expect((locked as ShareError).retryAfterSeconds).toBe(15 * 60);
    expect((await store.shares.get(link.id))!.uses).toBe(0);

    clock.now += 15 * MINUTE;
    await expect(shares.open(tokenOf(link), 'letmein-42', guest(99))).resolves.toMatchObject({ link: { kind: 'host' } });
  });

  it('stores neither the token nor the passcode: only their hashes, in the rows and in the database files', async () => {
    const passcode = 'Pass-7f3c9e-unique';
    const guess = 'Guess-51ab0d-unique';
    const link = await hostLink({ passcode });
    const token = tokenOf(link);
    expect(link.hasPasscode).toBe(true);
    // Events are ordered by time (ties in random order): one tick between steps.
    clock.now += 1;
    expect(await refusal(shares.open(token, guess, guest(1)))).toBe('wrong-passcode');
    clock.now += 1;
    await shares.open(token, passcode, guest(2));
    // Audit events are written without waiting: let them land before reading the files.
    await expect.poll(async () => (await store.shares.listEvents(link.id)).map((e) => e.event)).toEqual(['created', 'refused', 'opened']);

    const db = new SqliteDatabase(join(dataDir, SQLITE_FILE), { readonly: true });
    try {
      const row = db.prepare('select * from share_links where id = ?').get(link.id) as Record<string, unknown>;
      expect(row.token_hash).toBe(hashSecret(token));
      expect(row.passcode_hash).toMatch(/^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      const everything = JSON.stringify([db.prepare('select * from share_links').all(), db.prepare('select * from audit_events').all()]);
      for (const secret of [passcode, guess, token]) expect(everything).not.toContain(secret);
    } finally {
      db.close();
    }
    const files = readdirSync(dataDir).filter((f) => f.startsWith(SQLITE_FILE));
    expect(files).toContain(SQLITE_FILE);
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dataDir, f))));
    expect(bytes.includes(Buffer.from(hashSecret(token)))).toBe(true); // the scan does see what is stored
    for (const secret of [passcode, guess, token]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    for (const secret of [passcode, guess, token]) expect(logText()).not.toContain(secret);
  });
});
