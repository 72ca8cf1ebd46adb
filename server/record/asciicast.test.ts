// asciicast v2 encoding and parsing, including a file cut mid-line by a crash.
import { describe, expect, it } from 'vitest';
import { AsciicastParseError, encodeEvent, encodeHeader, parseAsciicast } from './asciicast.js';

describe('asciicast v2', () => {
  const header = encodeHeader({ version: 2, width: 80, height: 24, timestamp: 1_700_000_000, sshUser: 'pi', connectionID: 's1' });

  it('round-trips events, escaping control characters and keeping UTF-8', () => {
    const text = header + encodeEvent(0.1234567, 'o', 'héllo \x1b[1m😀\r\n') + encodeEvent(1.5, 'i', 'ls\r') + encodeEvent(2, 'r', '100x30');
    expect(text).not.toContain('\x1b');
    const cast = parseAsciicast(text);
    expect(cast.header).toMatchObject({ version: 2, width: 80, sshUser: 'pi', connectionID: 's1' });
    expect(cast.events).toEqual([
      [0.123457, 'o', 'héllo \x1b[1m😀\r\n'],
      [1.5, 'i', 'ls\r'],
      [2, 'r', '100x30'],
    ]);
    expect(cast.truncated).toBe(false);
  });

  it('drops a last line cut short by a crash, and says so', () => {
    const whole = header + encodeEvent(1, 'o', 'kept\r\n');
    const cut = whole + encodeEvent(2, 'o', 'lost in the crash').slice(0, 12);
    const cast = parseAsciicast(cut);
    expect(cast.events).toEqual([[1, 'o', 'kept\r\n']]);
    expect(cast.truncated).toBe(true);
  });

  it('refuses what is not an asciicast v2 file', () => {
    expect(() => parseAsciicast('')).toThrow(AsciicastParseError);
    expect(() => parseAsciicast('{"version":1,"width":80,"height":24}\n')).toThrow(/not an asciicast v2 header/);
    expect(() => parseAsciicast(`${header}[1,"o"]\n[2,"o","x"]\n`)).toThrow(/line 2/);
  });
});
