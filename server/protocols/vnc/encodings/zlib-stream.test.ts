// Unit tests for the connection-long inflate stream: persistence across chunks, reset, the output cap and corrupt input.
import { Deflate, Z_SYNC_FLUSH } from 'pako';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RfbProtocolError } from './types.js';
import { ZlibStream } from './zlib-stream.js';

function syncFlushed(): (data: Uint8Array) => Uint8Array {
  const deflate = new Deflate();
  let chunks: Uint8Array[] = [];
  deflate.onData = (chunk) => chunks.push(chunk);
  return (data) => {
    deflate.push(data, Z_SYNC_FLUSH);
    const out = Buffer.concat(chunks);
    chunks = [];
    return out;
  };
}

const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 7)) & 255);

describe('ZlibStream', () => {
  it('keeps the dictionary from chunk to chunk and returns each chunk’s output whole', () => {
    const compress = syncFlushed();
    const stream = new ZlibStream('test');
    const a = pattern(20_000, 7); // within the 32 KiB window
    expect([...stream.inflate(compress(a), a.length)]).toEqual([...a]);
    // Repeating the same data compresses to back-references into the previous chunk.
    const again = compress(a);
    expect(again.length).toBeLessThan(1000);
    expect(Buffer.from(stream.inflate(again, a.length)).equals(Buffer.from(a))).toBe(true);
    const b = pattern(300_000, 13); // grows the output buffer past its first size
    expect(Buffer.from(stream.inflate(compress(b), b.length)).equals(Buffer.from(b))).toBe(true);
    expect(stream.inflate(new Uint8Array(0), 10).length).toBe(0);
  });

  it('allows exactly the cap and refuses one byte more', () => {
    const data = pattern(5000, 3);
    expect(new ZlibStream('test').inflate(syncFlushed()(data), 5000).length).toBe(5000);
    expect(() => new ZlibStream('test').inflate(syncFlushed()(data), 4999)).toThrow(RfbProtocolError);
  });

  it('starts afresh after reset', () => {
    const stream = new ZlibStream('test');
    const data = pattern(1000, 5);
    stream.inflate(syncFlushed()(data), 1000);
    expect(() => stream.inflate(syncFlushed()(data), 1000)).toThrow(/corrupt zlib data/); // a second zlib header
    stream.reset();
    expect(stream.inflate(syncFlushed()(data), 1000).length).toBe(1000);
  });

  it('accepts a finished stream once and refuses data after its end', () => {
    const stream = new ZlibStream('test');
    expect(stream.inflate(deflateSync(Buffer.from('hello')), 100).length).toBe(5);
    expect(() => stream.inflate(Uint8Array.of(1, 2, 3), 100)).toThrow(/after the end/);
  });

  it('stops a bomb without inflating all of it', () => {
    const bomb = deflateSync(Buffer.alloc(200 * 1024 * 1024));
    expect(() => new ZlibStream('test').inflate(bomb, 1024 * 1024)).toThrow(/inflates beyond 1048576 bytes/);
  });
});
