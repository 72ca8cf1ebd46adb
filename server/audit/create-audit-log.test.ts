// The queued audit log against a fake store: order kept, the clock fills `at`, failures logged and never thrown, secrets scrubbed, flush waits.
import { describe, expect, it } from 'vitest';
import { capturedLog } from '../../test/support/test-gateway.js';
import type { AuditEventRecord, AuditStore, NewAuditEvent } from '../store/types.js';
import { GATEWAY_ACTOR } from './audit-log.js';
import { createAuditLog } from './create-audit-log.js';
import { scrubDetail } from './scrub-detail.js';

/** Appends that resolve one event-loop turn later (or fail for the actions named), in call order. */
function fakeStore(failing: string[] = []) {
  const written: NewAuditEvent[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const audit: Pick<AuditStore, 'append'> = {
    async append(event) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      if (failing.includes(event.action)) throw new Error(`disk full writing ${event.action}`);
      written.push(event);
      return { ...event, id: String(written.length) } as unknown as AuditEventRecord;
    },
  };
  return { store: { audit: audit as AuditStore }, written, maxInFlight: () => maxInFlight };
}

describe('createAuditLog', () => {
  it('writes one at a time, in the order recorded, stamping entries without `at` with its clock', async () => {
    const fake = fakeStore();
    const audit = createAuditLog({ store: fake.store, log: capturedLog().log, now: () => 42 });
    for (let i = 0; i < 20; i++) audit.record({ action: `test.e${i}`, actor: GATEWAY_ACTOR, ...(i === 3 ? { at: 7 } : {}) });
    await audit.flush();
    expect(fake.written.map((e) => e.action)).toEqual(Array.from({ length: 20 }, (_, i) => `test.e${i}`));
    expect(fake.written.map((e) => e.at)).toEqual(Array.from({ length: 20 }, (_, i) => (i === 3 ? 7 : 42)));
    expect(fake.maxInFlight()).toBe(1);
  });

  it('logs a failed write and goes on with the next; record never throws', async () => {
    const fake = fakeStore(['test.bad']);
    const { log, logText } = capturedLog();
    const audit = createAuditLog({ store: fake.store, log });
    expect(() => {
      audit.record({ action: 'test.a', actor: GATEWAY_ACTOR });
      audit.record({ action: 'test.bad', actor: GATEWAY_ACTOR });
      audit.record({ action: 'test.b', actor: GATEWAY_ACTOR });
    }).not.toThrow();
    await audit.flush();
    expect(fake.written.map((e) => e.action)).toEqual(['test.a', 'test.b']);
    expect(logText()).toContain('"event":"audit.write_failed"');
    expect(logText()).toContain('disk full writing test.bad');
  });

  it('drops the oldest unwritten entries past its bound, saying so', async () => {
    const fake = fakeStore();
    const { log, logText } = capturedLog();
    const audit = createAuditLog({ store: fake.store, log, maxQueued: 3 });
    for (let i = 0; i < 6; i++) audit.record({ action: `test.e${i}`, actor: GATEWAY_ACTOR });
    await audit.flush();
    // e0 was already being written when the queue filled; e1 and e2 gave way to e3..e5.
    expect(fake.written.map((e) => e.action)).toEqual(['test.e0', 'test.e3', 'test.e4', 'test.e5']);
    expect(logText()).toContain('"event":"audit.queue_full"');
  });

  it('flush resolves at once when nothing is queued', async () => {
    await createAuditLog({ store: fakeStore().store, log: capturedLog().log }).flush();
  });

  it('scrubs secret-named keys from the detail, at any depth', async () => {
    const fake = fakeStore();
    const audit = createAuditLog({ store: fake.store, log: capturedLog().log });
    audit.record({ action: 'test.s', actor: GATEWAY_ACTOR, detail: { changed: ['credential'], auth: { method: 'password', password: 'hunter2' }, Token: 'pt_x', list: [{ passcode: '1234', ok: 1 }] } });
    await audit.flush();
    expect(fake.written[0]!.detail).toEqual({ changed: ['credential'], auth: { method: 'password' }, list: [{ ok: 1 }] });
  });

  it.each([
    [undefined, {}],
    [{ privateKey: 'k', private_key: 'k', credentialChanged: true }, { credentialChanged: true }],
  ])('scrubDetail(%j) = %j', (input, output) => expect(scrubDetail(input)).toEqual(output));
});
