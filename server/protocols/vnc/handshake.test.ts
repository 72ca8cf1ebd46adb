// Unit tests for version choice (RFC 6143 §7.1.1) and the bounded string reader.
import { describe, expect, it } from 'vitest';
import { ChunkReader } from './byte-reader.js';
import { chooseVersion, readString } from './handshake.js';

describe('chooseVersion', () => {
  it.each([
    ['RFB 003.003\n', 3],
    ['RFB 003.005\n', 3], // wrongly reported by old clients: means 3.3
    ['RFB 003.006\n', 3],
    ['RFB 003.007\n', 7],
    ['RFB 003.008\n', 8],
    ['RFB 003.889\n', 8], // Apple Remote Desktop
    ['RFB 004.001\n', 8],
    ['RFB 005.000\n', 8],
  ])('%j -> 3.%i', (greeting, minor) => {
    expect(chooseVersion(Buffer.from(greeting))).toBe(minor);
  });

  it.each(['SSH-2.0-Open', 'HTTP/1.1 400', 'RFB 003.008\r', 'RFB 002.000\n'])('refuses %j', (greeting) => {
    expect(() => chooseVersion(Buffer.from(greeting))).toThrow(expect.objectContaining({ kind: 'protocol' }));
  });
});

describe('readString', () => {
  it('reads a length-prefixed string and blanks control characters', async () => {
    const reader = new ChunkReader();
    reader.feed(Buffer.from([0, 0, 0, 5, 0x61, 0x0a, 0x1b, 0x62, 0x63]));
    expect(await readString(reader, 100, 'reason')).toBe('a  bc');
  });

  it('refuses a length over the limit without reading the body', async () => {
    const reader = new ChunkReader();
    reader.feed(Buffer.from([0, 0, 1, 0]));
    await expect(readString(reader, 255, 'desktop name')).rejects.toThrow(/256-byte desktop name \(limit 255\)/);
  });
});
