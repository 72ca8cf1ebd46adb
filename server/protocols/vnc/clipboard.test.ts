// Unit tests for extended clipboard payloads: caps, request/notify, provide round trips, limits.
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ACTION_CAPS, ACTION_NOTIFY, ACTION_PROVIDE, ACTION_REQUEST, encodeCaps, encodeProvide, FORMAT_TEXT, parseClipboardPayload } from './clipboard.js';

const flags = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
};

describe('extended clipboard', () => {
  it('round-trips provided UTF-8 text, LF on our side and CRLF on the wire', () => {
    const payload = encodeProvide('line one ü\nline two €');
    expect(payload.readUInt32BE(0)).toBe((ACTION_PROVIDE | FORMAT_TEXT) >>> 0);
    expect(parseClipboardPayload(payload)).toEqual({ action: 'provide', text: 'line one ü\nline two €' });
  });

  it('accepts a provide stream that is flushed but never finished (TigerVNC)', () => {
    const body = Buffer.concat([flags(4), Buffer.from('hey\0')]);
    // Sync-flushed: no final block and no Adler-32, which a plain inflate calls truncated.
    const unfinished = deflateSync(body, { finishFlush: constants.Z_SYNC_FLUSH });
    expect(() => inflateSync(unfinished)).toThrow(/unexpected end/);
    expect(parseClipboardPayload(Buffer.concat([flags(ACTION_PROVIDE | FORMAT_TEXT), unfinished]))).toEqual({ action: 'provide', text: 'hey' });
  });

  it.each([
    [ACTION_CAPS | FORMAT_TEXT | ACTION_REQUEST, { action: 'caps', actions: ACTION_CAPS | ACTION_REQUEST, formats: FORMAT_TEXT }],
    [ACTION_REQUEST | FORMAT_TEXT, { action: 'request', formats: FORMAT_TEXT }],
    [ACTION_NOTIFY | FORMAT_TEXT | 4, { action: 'notify', formats: FORMAT_TEXT | 4 }],
  ])('parses flags 0x%s', (value, expected) => {
    expect(parseClipboardPayload(flags(value))).toEqual(expected);
  });

  it('announces text with our size limit', () => {
    const caps = encodeCaps();
    expect(caps.readUInt32BE(0) & FORMAT_TEXT).toBe(FORMAT_TEXT);
    expect(caps.readUInt32BE(4)).toBe(10 * 1024 * 1024);
  });

  it.each([
    ['no flags', Buffer.alloc(2), /without flags/],
    ['no action', flags(FORMAT_TEXT), /no known action/],
    ['corrupt zlib', Buffer.concat([flags(ACTION_PROVIDE | FORMAT_TEXT), Buffer.from('not zlib')]), /corrupt/],
    ['a size beyond the data', Buffer.concat([flags(ACTION_PROVIDE | FORMAT_TEXT), deflateSync(Buffer.concat([flags(100), Buffer.from('x')]))]), /claims 100 bytes/],
  ])('refuses %s', (_name, payload, message) => {
    expect(() => parseClipboardPayload(payload)).toThrow(message);
  });
});
