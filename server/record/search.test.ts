// Searching one recording file: matches with their moment, a cut last line tolerated, and the byte budget honoured inside a file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { encodeEvent, encodeHeader } from './asciicast.js';
import { searchCast } from './search.js';

function castFile(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'porthole-search-')), 'r.cast');
  writeFileSync(path, encodeHeader({ version: 2, width: 80, height: 24, timestamp: 0 }) + lines.join(''));
  return path;
}

it('finds a line case-insensitively, with the second it was finished, and tolerates a cut last line', async () => {
  const path = castFile([encodeEvent(1, 'o', '$ ls\r\n'), encodeEvent(2.5, 'o', '$ RM -rf /tmp/x\r\n'), '[3,"o","cut sho']);
  const found = await searchCast(path, 'rm -rf', 10);
  expect(found.matches).toEqual([{ at: 2.5, line: '$ RM -rf /tmp/x', stream: 'output' }]);
  expect(found.complete).toBe(true);
});

it('stops inside a file once the byte budget is spent, and says the search is incomplete', async () => {
  const filler = Array.from({ length: 5_000 }, (_, i) => encodeEvent(i, 'o', `line ${i} ${'x'.repeat(100)}\r\n`));
  const path = castFile([...filler, encodeEvent(9_999, 'o', 'needle\r\n')]);
  expect((await searchCast(path, 'needle', 10)).matches).toHaveLength(1);
  const limited = await searchCast(path, 'needle', 10, 64 * 1024);
  expect(limited.matches).toEqual([]);
  expect(limited.complete).toBe(false);
  expect((await searchCast(path, 'needle', 10, Infinity, AbortSignal.abort())).complete).toBe(false);
});
