// The terminal recorder writes valid asciicast lines from raw chunks: characters split across chunks, invalid bytes, input kept or not.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { encodeHeader, parseAsciicast } from './asciicast.js';
import { DurableAppender } from './durable-appender.js';
import { TerminalRecorder } from './terminal-recorder.js';

async function record(keepsInput: boolean, feed: (r: TerminalRecorder) => void) {
  const path = join(mkdtempSync(join(tmpdir(), 'porthole-termrec-')), 'r.cast');
  const file = await DurableAppender.create(path, encodeHeader({ version: 2, width: 80, height: 24, timestamp: 0 }));
  feed(new TerminalRecorder(file, keepsInput));
  await file.close();
  return parseAsciicast(readFileSync(path, 'utf8'));
}

it('writes characters split across chunks whole, escapes controls, and replaces invalid bytes', async () => {
  const text = Buffer.from('\x1b[1m"中文" 😀\\\r\n');
  const cast = await record(false, (r) => {
    for (let at = 0; at < text.length; at += 2) r.recordOutput(text.subarray(at, at + 2)); // splits every multi-byte character
    r.recordOutput(Buffer.from([0x61, 0xff, 0x62]));
    r.recordResize(100, 30);
    r.recordInput(Buffer.from('secret\r'));
  });
  expect(cast.truncated).toBe(false);
  expect(cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('')).toBe('\x1b[1m"中文" 😀\\\r\na\ufffdb');
  expect(cast.events.some((e) => e[1] === 'r' && e[2] === '100x30')).toBe(true);
  expect(cast.events.some((e) => e[1] === 'i')).toBe(false);
  const times = cast.events.map((e) => e[0]);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
});

it('keeps typed input when asked', async () => {
  const cast = await record(true, (r) => r.recordInput(Buffer.from('ls -l\r')));
  expect(cast.events).toEqual([[expect.any(Number), 'i', 'ls -l\r']]);
});
