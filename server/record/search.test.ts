// Searching one recording file, plain or sealed: matches with their moment, a cut last line tolerated, and the byte budget honoured inside a file.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../crypto/secret-box.js';
import { encodeEvent, encodeHeader } from './asciicast.js';
import { openRecordingReader } from './recording-reader.js';
import { RecordSealer } from './sealed-records.js';
import { searchCast } from './search.js';

const box = createSecretBox(randomBytes(32));

describe.each(['plain', 'sealed'] as const)('a %s recording', (kind) => {
  /** The file as the appender would write it: sealed files in records of a few lines, like its batched writes. */
  function castFile(lines: string[]): () => ReturnType<typeof openRecordingReader> {
    const path = join(mkdtempSync(join(tmpdir(), 'porthole-search-')), 'r.cast');
    const text = [encodeHeader({ version: 2, width: 80, height: 24, timestamp: 0 }), ...lines];
    if (kind === 'plain') writeFileSync(path, text.join(''));
    else {
      const sealer = new RecordSealer(box, 'r.cast');
      const records = [];
      for (let i = 0; i < text.length; i += 50) records.push(sealer.seal(Buffer.from(text.slice(i, i + 50).join(''))));
      writeFileSync(path, Buffer.concat([sealer.header, ...records]));
    }
    return () => openRecordingReader(path, 'r.cast', box, { sealed: kind === 'sealed', finished: false });
  }

  it('finds a line case-insensitively, with the second it was finished, and tolerates a cut last line', async () => {
    const open = castFile([encodeEvent(1, 'o', '$ ls\r\n'), encodeEvent(2.5, 'o', '$ RM -rf /tmp/x\r\n'), '[3,"o","cut sho']);
    const found = await searchCast(await open(), 'rm -rf', 10);
    expect(found.matches).toEqual([{ at: 2.5, line: '$ RM -rf /tmp/x', stream: 'output' }]);
    expect(found.complete).toBe(true);
  });

  it('stops inside a file once the byte budget is spent, and says the search is incomplete', async () => {
    const filler = Array.from({ length: 5_000 }, (_, i) => encodeEvent(i, 'o', `line ${i} ${'x'.repeat(100)}\r\n`));
    const open = castFile([...filler, encodeEvent(9_999, 'o', 'needle\r\n')]);
    expect((await searchCast(await open(), 'needle', 10)).matches).toHaveLength(1);
    const limited = await searchCast(await open(), 'needle', 10, 64 * 1024);
    expect(limited.matches).toEqual([]);
    expect(limited.complete).toBe(false);
    expect((await searchCast(await open(), 'needle', 10, Infinity, AbortSignal.abort())).complete).toBe(false);
  });
});
