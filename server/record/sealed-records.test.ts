// Sealed recordings: what is written reads back in any chunking, a cut last write is left out, and any tampering or wrong key is refused.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../crypto/secret-box.js';
import { openRecordingReader, type ExpectedRecording } from './recording-reader.js';
import { isSealed, openSealedHeader, RecordSealer, SealedRecordingError, type RecordUnsealer } from './sealed-records.js';

const box = createSecretBox(randomBytes(32));
const WRITES = ['{"version": 2, "width": 80, "height": 24}\n', '[0.5, "o", "$ "]\n', '[1.2, "o", "echo secret-ish output\\r\\n"]\n', 'é'.repeat(70_000)];
const FINISHED: ExpectedRecording = { sealed: true, finished: true };
const UNFINISHED: ExpectedRecording = { sealed: true, finished: false };

/** A file as the appender writes it: the header, one record per write, and (closed properly) the end mark. */
function sealed(fileName = 'a.cast') {
  const sealer = new RecordSealer(box, fileName);
  const records = WRITES.map((w) => sealer.seal(Buffer.from(w)));
  const end = sealer.end();
  return { header: sealer.header, records, end, body: Buffer.concat([...records, end]) };
}

function unsealerFor(header: Buffer, fileName = 'a.cast'): RecordUnsealer {
  return openSealedHeader(header.toString('latin1').trimEnd(), box, fileName);
}

/** Feeds `body` in chunks of `size` bytes and joins what comes out. */
function feed(unsealer: RecordUnsealer, body: Buffer, size: number): string {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) unsealer.push(body.subarray(at, at + size), (b) => out.push(b));
  return Buffer.concat(out).toString();
}

describe('sealed recordings', () => {
  it('read back exactly, however the bytes are chunked, to the end mark, and hold none of the text in the clear', () => {
    const { header, body } = sealed();
    expect(isSealed(header)).toBe(true);
    expect(header.toString('latin1')).toMatch(/^porthole-sealed-recording v1 v1\.\S+ [0-9a-f]{8}\n$/);
    for (const size of [1, 7, 4096, body.length]) {
      const unsealer = unsealerFor(header);
      expect(feed(unsealer, body, size)).toBe(WRITES.join(''));
      expect(unsealer.pendingBytes).toBe(0);
      expect(unsealer.ended).toBe(true);
    }
    expect(Buffer.concat([header, body]).includes('secret-ish')).toBe(false);
    // Two files never share a key or a nonce stream: the same writes seal differently.
    expect(sealed().body.equals(body)).toBe(false);
  });

  it('leave out a last write cut by a crash, and say how much was cut', () => {
    const { header, records } = sealed();
    const unsealer = unsealerFor(header);
    const cut = Buffer.concat(records).subarray(0, -10);
    expect(feed(unsealer, cut, 1000)).toBe(WRITES.slice(0, -1).join(''));
    expect(unsealer.pendingBytes).toBe(records.at(-1)!.length - 10);
    expect(unsealer.ended).toBe(false);
  });

  it('refuse a changed byte, records in another order, data after the end, another file\'s header, and another gateway\'s key', () => {
    const { header, body, records, end } = sealed();
    const flipped = Buffer.from(body);
    flipped[30] = flipped[30]! ^ 1;
    expect(() => feed(unsealerFor(header), flipped, 4096)).toThrow(SealedRecordingError);
    const swapped = Buffer.concat([records[1]!, records[0]!, ...records.slice(2)]);
    expect(() => feed(unsealerFor(header), swapped, 4096)).toThrow(/does not authenticate/);
    // The end mark moved forward (records after it) is refused: it is bound to its place by the nonce.
    expect(() => feed(unsealerFor(header), Buffer.concat([records[0]!, end, ...records.slice(1)]), 4096)).toThrow(/does not authenticate/);
    expect(() => unsealerFor(header, 'b.cast')).toThrow(/another gateway key \(or renamed\)/);
    const other = createSecretBox(randomBytes(32));
    expect(() => openSealedHeader(header.toString('latin1').trimEnd(), other, 'a.cast')).toThrow(SealedRecordingError);
    expect(() => unsealerFor(Buffer.from('porthole-sealed-recording v1 garbage\n'))).toThrow(/damaged header/);
    // A length no writer makes is damage, refused before anything is buffered for it.
    expect(() => unsealerFor(header).push(Buffer.from([0xff, 0xff, 0xff, 0xff]), () => {})).toThrow(/damaged/);
  });
});

describe('openRecordingReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-reader-'));
  const file = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };

  it('gives a plain file as it is, and a sealed one as its text', async () => {
    const plain = file('plain.cast', WRITES.join(''));
    expect(await text((await openRecordingReader(plain, 'plain.cast', box, { sealed: false, finished: true })).stream)).toBe(WRITES.join(''));
    const { header, body } = sealed('s.cast');
    const reader = await openRecordingReader(file('s.cast', Buffer.concat([header, body])), 's.cast', box, FINISHED);
    expect(await text(reader.stream)).toBe(WRITES.join(''));
    expect(reader.bytesRead()).toBe(header.length + body.length);
  });

  it('reads an unfinished recording up to its last whole write, ending quietly at a damaged tail', async () => {
    const { header, records } = sealed('u.cast');
    const cut = file('u.cast', Buffer.concat([header, ...records]).subarray(0, -1));
    expect(await text((await openRecordingReader(cut, 'u.cast', box, UNFINISHED)).stream)).toBe(WRITES.slice(0, -1).join(''));
    // A power cut can leave zeros where unsynced writes were: the text ends before them, and the reason is told.
    const zeros = file('u.cast', Buffer.concat([header, ...records.slice(0, 2), Buffer.alloc(5000)]));
    const damage: Error[] = [];
    expect(await text((await openRecordingReader(zeros, 'u.cast', box, { ...UNFINISHED, onDamagedTail: (e) => damage.push(e) })).stream)).toBe(WRITES.slice(0, 2).join(''));
    expect(damage.map((e) => e.message)).toEqual([expect.stringMatching(/does not authenticate/)]);
  });

  it('refuses a finished recording with records cut off its end, or one whose sealed file was replaced by a plain one', async () => {
    const { header, records } = sealed('f.cast');
    const noEnd = file('f.cast', Buffer.concat([header, ...records.slice(0, 2)]));
    await expect(text((await openRecordingReader(noEnd, 'f.cast', box, FINISHED)).stream)).rejects.toThrow(/records are missing from its end/);
    const headerOnly = file('f.cast', header);
    await expect(text((await openRecordingReader(headerOnly, 'f.cast', box, FINISHED)).stream)).rejects.toThrow(/records are missing/);
    const replaced = file('f.cast', WRITES.join(''));
    await expect(openRecordingReader(replaced, 'f.cast', box, FINISHED)).rejects.toThrow(/its file is not: it was replaced/);
  });

  it('refuses a sealed file it has no key for before streaming a byte', async () => {
    const { header, body } = sealed('k.cast');
    const path = file('k.cast', Buffer.concat([header, body]));
    await expect(openRecordingReader(path, 'k.cast', createSecretBox(randomBytes(32)), FINISHED)).rejects.toThrow(SealedRecordingError);
    await expect(openRecordingReader(path, 'k.cast', undefined, FINISHED)).rejects.toThrow(/no gateway key/);
    await expect(openRecordingReader(join(dir, 'missing.cast'), 'missing.cast', box, FINISHED)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('errors the stream (never crashes) when a finished recording was altered', async () => {
    const { header, body } = sealed('t.cast');
    const bad = Buffer.from(body);
    bad[40] = bad[40]! ^ 1;
    const path = file('t.cast', Buffer.concat([header, bad]));
    await expect(text((await openRecordingReader(path, 't.cast', box, FINISHED)).stream)).rejects.toThrow(/does not authenticate/);
  });
});
