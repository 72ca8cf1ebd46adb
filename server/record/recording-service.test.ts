// The recording service against a real SQLite store and real files: policy, indexing, retention pruning, and the "required" refusal.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingSettings } from '../../shared/api-types.js';
import { createSecretBox } from '../crypto/secret-box.js';
import type { AuditEntry } from '../audit/audit-log.js';
import { createLogger } from '../log.js';
import { openStore, type HostRecord, type Store } from '../store/index.js';
import { RecordingUnavailableError } from './errors.js';
import { RecordingService, SearchBusyError, type RecordingServiceOptions } from './recording-service.js';

const DAY = 24 * 3600 * 1000;
const stores: Store[] = [];
afterEach(async () => Promise.all(stores.splice(0).map((s) => s.close())));

async function setup(retention: { maxAgeMs: number; maxTotalBytes: number }, dir?: string, extra: Partial<RecordingServiceOptions> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'porthole-recsvc-'));
  const store = await openStore({ dataDir, secretBox: createSecretBox(randomBytes(32)) });
  stores.push(store);
  const clock = { now: 10 * DAY };
  const service = new RecordingService({ store: store.recordings, dir: dir ?? join(dataDir, 'recordings'), log: createLogger({ level: 'silent' }), retention, now: () => clock.now, ...extra });
  await service.start();
  return { service, clock, store, dir: dir ?? join(dataDir, 'recordings') };
}

function host(name: string, recording: RecordingSettings): HostRecord {
  return { id: `id-${name}`, name, protocol: 'ssh', address: '127.0.0.1', port: 22, username: 'pi', authMethod: 'password', credential: { method: 'password', password: 'x' }, source: 'ui', recording, createdAt: 0, updatedAt: 0 };
}

const opener = { principal: 'owner', name: 'Owner' };

async function record(service: RecordingService, name: string, bytes: number, recording: RecordingSettings = { mode: 'on', input: false }) {
  const rec = await service.beginTerminal({ sessionId: `s-${name}`, host: host(name, recording), opener, width: 80, height: 24 }, () => {});
  rec!.recorder.recordOutput(Buffer.alloc(bytes, 'a'));
  await rec!.end('done');
  return rec!.id;
}

describe('RecordingService', () => {
  it('seals recordings under the gateway key unless told not to; both read back and search the same', async () => {
    const secretBox = createSecretBox(randomBytes(32));
    for (const encrypt of [true, false]) {
      const { service } = await setup({ maxAgeMs: 0, maxTotalBytes: 0 }, undefined, { secretBox, encrypt });
      const rec = await service.beginTerminal({ sessionId: 's', host: host('sealed', { mode: 'on', input: false }), opener, width: 80, height: 24 }, () => {});
      rec!.recorder.recordOutput(Buffer.from('$ rm -rf /tmp/scratch\r\n'));
      await rec!.end('done');
      const record = (await service.get(rec!.id))!;
      expect(readFileSync(service.pathOf(record.file)).includes('scratch')).toBe(!encrypt);
      expect(await text((await service.openReader(record)).stream)).toContain('"$ rm -rf /tmp/scratch\\r\\n"');
      expect((await service.search('rm -rf', {}, 10)).hits.map((h) => h.match.line)).toEqual(['$ rm -rf /tmp/scratch']);
    }
  });

  it('refuses a sealed recording that was cut, altered or replaced, says so once in the audit log, and searches on', async () => {
    const secretBox = createSecretBox(randomBytes(32));
    const audited: AuditEntry[] = [];
    const { service } = await setup({ maxAgeMs: 0, maxTotalBytes: 0 }, undefined, { secretBox, audit: { record: (e) => audited.push(e) } });
    const ids: string[] = [];
    for (const line of ['$ rm -rf /tmp/one', '$ rm -rf /tmp/two', '$ rm -rf /tmp/three']) {
      const rec = await service.beginTerminal({ sessionId: `s-${line}`, host: host('h', { mode: 'on', input: false }), opener, width: 80, height: 24 }, () => {});
      rec!.recorder.recordOutput(Buffer.from(`${line}\r\n`));
      await rec!.end('done');
      ids.push(rec!.id);
    }
    const [cut, replaced, intact] = await Promise.all(ids.map(async (id) => (await service.get(id))!));
    const cutPath = service.pathOf(cut!.file);
    writeFileSync(cutPath, readFileSync(cutPath).subarray(0, -20)); // the end mark gone: the session looks shorter
    writeFileSync(service.pathOf(replaced!.file), '{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "$ ls\\r\\n"]\n');
    await expect(text((await service.openReader(cut!)).stream)).rejects.toThrow(/records are missing from its end/);
    await expect(service.openReader(replaced!)).rejects.toThrow(/it was replaced/);
    expect(await text((await service.openReader(intact!)).stream)).toContain('/tmp/three');

    const found = await service.search('rm -rf', {}, 10);
    expect(found.hits.map((h) => h.match.line).sort()).toEqual(['$ rm -rf /tmp/one', '$ rm -rf /tmp/three']);
    expect(found.truncated).toBe(true);
    await new Promise((r) => setImmediate(r));
    const damaged = audited.filter((e) => e.action === 'recording.damaged');
    expect(damaged.map((e) => e.detail?.recordingId).sort()).toEqual([cut!.id, replaced!.id].sort());
  });

  it('records nothing for a host whose policy is off', async () => {
    const { service, dir } = await setup({ maxAgeMs: 0, maxTotalBytes: 0 });
    expect(await service.beginTerminal({ sessionId: 's', host: host('off', { mode: 'off', input: false }), opener, width: 80, height: 24 }, () => {})).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prunes the oldest recordings, files and rows, once the total is over the limit', async () => {
    const { service, clock, dir } = await setup({ maxAgeMs: 0, maxTotalBytes: 2_500 });
    const first = await record(service, 'a', 1_000);
    clock.now += 1_000;
    const second = await record(service, 'b', 1_000);
    clock.now += 1_000;
    const third = await record(service, 'c', 1_000);
    await service.prune();
    const left = (await service.list({})).map((r) => r.id);
    expect(left).toEqual([third, second]);
    expect(readdirSync(dir).sort()).toEqual([`${second}.cast`, `${third}.cast`].sort());
    expect(left).not.toContain(first);
  });

  it('prunes recordings older than the age limit', async () => {
    const { service, clock } = await setup({ maxAgeMs: 7 * DAY, maxTotalBytes: 0 });
    const old = await record(service, 'old', 10);
    clock.now += 6 * DAY;
    const recent = await record(service, 'recent', 10);
    clock.now += 2 * DAY;
    await service.prune();
    expect((await service.list({})).map((r) => r.id)).toEqual([recent]);
    expect(await service.get(old)).toBeUndefined();
  });

  it('runs two searches at a time and turns a third away at once', async () => {
    const { service } = await setup({ maxAgeMs: 0, maxTotalBytes: 0 });
    await record(service, 'searchable', 1_000);
    const searches = [1, 2, 3].map(() => service.search('aaa', {}, 10));
    await expect(searches[2]).rejects.toBeInstanceOf(SearchBusyError);
    for (const done of await Promise.all(searches.slice(0, 2))) expect(done.hits).toHaveLength(1);
    expect((await service.search('aaa', {}, 10)).hits).toHaveLength(1); // and later ones run again
  });

  it('refuses a required recording it cannot write, naming why; "on" goes on without one', async () => {
    // A file where the directory should be: refused like a read-only disk (that case: test/record/recording-durability.test.ts).
    const notADir = join(mkdtempSync(join(tmpdir(), 'porthole-recsvc-nowrite-')), 'file-not-dir');
    writeFileSync(notADir, '');
    const { service } = await setup({ maxAgeMs: 0, maxTotalBytes: 0 }, notADir);
    const refusal = service.beginTerminal({ sessionId: 's', host: host('strict', { mode: 'required', input: false }), opener, width: 80, height: 24 }, () => {});
    await expect(refusal).rejects.toBeInstanceOf(RecordingUnavailableError);
    await expect(refusal).rejects.toThrow('strict requires a recording, and the gateway cannot write one (the recordings directory does not exist), so the session was not started');
    expect(await service.beginTerminal({ sessionId: 's', host: host('lenient', { mode: 'on', input: false }), opener, width: 80, height: 24 }, () => {})).toBeNull();
    expect(await service.list({})).toEqual([]);
  });
});
