// Sealed recordings: what is written reads back in any chunking, a cut last write is left out, and any tampering or wrong key is refused.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../crypto/secret-box.js';
import { openRecordingReader } from './recording-reader.js';
import { isSealed, openSealedHeader, RecordSealer, SealedRecordingError, type RecordUnsealer } from './sealed-records.js';

const box = createSecretBox(randomBytes(32));
const WRITES = ['{"version": 2, "width": 80, "height": 24}\n', '[0.5, "o", "$ "]\n', '[1.2, "o", "echo secret-ish output\\r\\n"]\n', 'é'.repeat(70_000)];

function sealed(fileName = 'a.cast') {
  const sealer = new RecordSealer(box, fileName);
  const records = WRITES.map((w) => sealer.seal(Buffer.from(w)));
  return { header: sealer.header, records, body: Buffer.concat(records) };
}

function unsealerFor(header: Buffer, fileName = 'a.cast'): RecordUnsealer {
  return openSealedHeader(header.toString('latin1').trimEnd(), box, fileName);
}

/** Feeds `body` in chunks of `size` bytes and joins what comes out. */
function feed(unsealer: RecordUnsealer, body: Buffer, size: number): string {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) out.push(...unsealer.push(body.subarray(at, at + size)));
  return Buffer.concat(out).toString();
}

describe('sealed recordings', () => {
  it('read back exactly, however the bytes are chunked, and hold none of the text in the clear', () => {
    const { header, body } = sealed();
    expect(isSealed(header)).toBe(true);
    expect(header.toString('latin1')).toMatch(/^porthole-sealed-recording v1 v1\.\S+ [0-9a-f]{8}\n$/);
    for (const size of [1, 7, 4096, body.length]) {
      const unsealer = unsealerFor(header);
      expect(feed(unsealer, body, size)).toBe(WRITES.join(''));
      expect(unsealer.pendingBytes).toBe(0);
    }
    expect(Buffer.concat([header, body]).includes('secret-ish')).toBe(false);
    // Two files never share a key or a nonce stream: the same writes seal differently.
    expect(sealed().body.equals(body)).toBe(false);
  });

  it('leave out a last write cut by a crash, and say how much was cut', () => {
    const { header, body, records } = sealed();
    const unsealer = unsealerFor(header);
    const cut = body.subarray(0, body.length - 10);
    expect(feed(unsealer, cut, 1000)).toBe(WRITES.slice(0, -1).join(''));
    expect(unsealer.pendingBytes).toBe(records.at(-1)!.length - 10);
  });

  it('refuse a changed byte, records in another order, another file\'s header, and another gateway\'s key', () => {
    const { header, body, records } = sealed();
    const flipped = Buffer.from(body);
    flipped[30] = flipped[30]! ^ 1;
    expect(() => feed(unsealerFor(header), flipped, 4096)).toThrow(SealedRecordingError);
    const swapped = Buffer.concat([records[1]!, records[0]!, ...records.slice(2)]);
    expect(() => feed(unsealerFor(header), swapped, 4096)).toThrow(/does not authenticate/);
    expect(() => unsealerFor(header, 'b.cast')).toThrow(/another gateway key \(or renamed\)/);
    const other = createSecretBox(randomBytes(32));
    expect(() => openSealedHeader(header.toString('latin1').trimEnd(), other, 'a.cast')).toThrow(SealedRecordingError);
    expect(() => unsealerFor(Buffer.from('porthole-sealed-recording v1 garbage\n'))).toThrow(/damaged header/);
    // A length no writer makes is damage, refused before anything is buffered for it.
    expect(() => unsealerFor(header).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(/damaged/);
  });
});

describe('openRecordingReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-reader-'));

  it('gives a plain file as it is, and a sealed one as its text, up to its last whole write', async () => {
    writeFileSync(join(dir, 'plain.cast'), WRITES.join(''));
    expect(await text((await openRecordingReader(join(dir, 'plain.cast'), 'plain.cast', box)).stream)).toBe(WRITES.join(''));
    const { header, body } = sealed('s.cast');
    writeFileSync(join(dir, 's.cast'), Buffer.concat([header, body.subarray(0, body.length - 1)]));
    const reader = await openRecordingReader(join(dir, 's.cast'), 's.cast', box);
    expect(await text(reader.stream)).toBe(WRITES.slice(0, -1).join(''));
    expect(reader.bytesRead()).toBe(header.length + body.length - 1);
  });

  it('refuses a sealed file it has no key for before streaming a byte', async () => {
    const { header, body } = sealed('k.cast');
    writeFileSync(join(dir, 'k.cast'), Buffer.concat([header, body]));
    await expect(openRecordingReader(join(dir, 'k.cast'), 'k.cast', createSecretBox(randomBytes(32)))).rejects.toThrow(SealedRecordingError);
    await expect(openRecordingReader(join(dir, 'k.cast'), 'k.cast', undefined)).rejects.toThrow(/no gateway key/);
    await expect(openRecordingReader(join(dir, 'missing.cast'), 'missing.cast', box)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('errors the stream (never crashes) when a sealed file was altered', async () => {
    const { header, body } = sealed('t.cast');
    const bad = Buffer.from(body);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    writeFileSync(join(dir, 't.cast'), Buffer.concat([header, bad]));
    await expect(text((await openRecordingReader(join(dir, 't.cast'), 't.cast', box)).stream)).rejects.toThrow(/does not authenticate/);
  });
});
