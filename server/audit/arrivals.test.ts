// Arrivals: one audit event when a tailnet person or device starts using the gateway, and again only after a quiet hour.
import { describe, expect, it } from 'vitest';
import type { AuthOutcome, Authenticator } from '../auth/authenticator.js';
import { ALL_PERMISSIONS } from '../policy/grants.js';
import type { Identity } from '../auth/identity.js';
import type { AuditEntry } from './audit-log.js';
import { ARRIVAL_QUIET_MS, auditArrivals } from './arrivals.js';

const alice: Identity = { principal: 'login:alice@example.com', via: 'tailnet', kind: 'person', name: 'Alice', tags: [], device: { name: 'alice-mbp.tail1234.ts.net', os: 'macOS' }, permissions: ALL_PERMISSIONS };
const alicePhone: Identity = { ...alice, device: { name: 'alice-phone.tail1234.ts.net', os: 'iOS' } };
const token: Identity = { principal: 'owner', via: 'token', kind: 'token', name: 'ci', tags: [], permissions: ALL_PERMISSIONS };

function setup(maxTracked?: number) {
  let clock = 1_000_000;
  const entries: AuditEntry[] = [];
  let next: AuthOutcome = { ok: true, identity: alice };
  const inner: Authenticator = { mode: 'tailnet', identify: async () => next };
  const auth = auditArrivals(inner, { record: (e) => entries.push(e) }, { now: () => clock, maxTracked });
  const ask = (outcome: AuthOutcome, address = '100.64.0.1') => {
    next = outcome;
    return auth.identify({ remoteAddress: address, remotePort: 40000, header: () => undefined });
  };
  return { entries, ask, advance: (ms: number) => (clock += ms) };
}

describe('auditArrivals', () => {
  it('records the first request of a person on a device, with the device and address, and not the ones after', async () => {
    const { entries, ask, advance } = setup();
    const outcome = await ask({ ok: true, identity: alice });
    expect(outcome).toEqual({ ok: true, identity: alice });
    advance(ARRIVAL_QUIET_MS - 1);
    await ask({ ok: true, identity: alice });
    expect(entries).toEqual([
      { action: 'auth.arrived', actor: { principal: alice.principal, name: 'Alice', device: 'alice-mbp.tail1234.ts.net', address: '100.64.0.1' }, detail: { via: 'tailnet', os: 'macOS' } },
    ]);
  });

  it('counts each device apart, and arrives again after a quiet hour (requests keep it awake)', async () => {
    const { entries, ask, advance } = setup();
    await ask({ ok: true, identity: alice });
    await ask({ ok: true, identity: alicePhone }, '100.64.0.2');
    expect(entries.map((e) => e.actor.device)).toEqual(['alice-mbp.tail1234.ts.net', 'alice-phone.tail1234.ts.net']);
    // Busy all afternoon: every request within the hour of the last, so no new arrival.
    for (let i = 0; i < 5; i++) {
      advance(ARRIVAL_QUIET_MS / 2);
      await ask({ ok: true, identity: alice });
    }
    expect(entries).toHaveLength(2);
    advance(ARRIVAL_QUIET_MS);
    await ask({ ok: true, identity: alice });
    expect(entries).toHaveLength(3);
    expect(entries[2]!.detail).toEqual({ via: 'tailnet', os: 'macOS', quietMinutes: 60 });
  });

  it('records nothing for refusals or API tokens', async () => {
    const { entries, ask } = setup();
    const refused: AuthOutcome = { ok: false, refusal: 'unauthorized', reason: 'not on the tailnet' };
    expect(await ask(refused)).toBe(refused);
    await ask({ ok: true, identity: token });
    expect(entries).toEqual([]);
  });

  it('remembers a bounded number of pairs, forgetting the longest quiet first', async () => {
    const { entries, ask } = setup(2);
    const people = ['a', 'b', 'c'].map((n): Identity => ({ ...alice, principal: `login:${n}@example.com`, name: n }));
    for (const identity of people) await ask({ ok: true, identity });
    await ask({ ok: true, identity: people[2]! });
    await ask({ ok: true, identity: people[1]! });
    expect(entries.map((e) => e.actor.name)).toEqual(['a', 'b', 'c']);
    // "a" was forgotten to stay within two: it counts as arriving again.
    await ask({ ok: true, identity: people[0]! });
    expect(entries.map((e) => e.actor.name)).toEqual(['a', 'b', 'c', 'a']);
  });
});
