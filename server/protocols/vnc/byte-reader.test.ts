// Unit tests for the chunk-fed ByteReader: reads across chunk borders, waiting, the size cap, end(), pause/resume.
import { describe, expect, it, vi } from 'vitest';
import { ChunkReader } from './byte-reader.js';
import { RfbProtocolError } from './encodings/types.js';

const bytes = (...values: number[]) => Buffer.from(values);

describe('ChunkReader', () => {
  it.each([
    ['one chunk', [[1, 2, 3, 4, 5, 6]]],
    ['one byte per chunk', [[1], [2], [3], [4], [5], [6]]],
    ['uneven chunks', [[1, 2, 3], [4, 5], [6]]],
  ])('reads the same values from %s', async (_name, chunks) => {
    const reader = new ChunkReader();
    chunks.forEach((c) => reader.feed(Buffer.from(c)));
    expect(await reader.u8()).toBe(1);
    expect(await reader.u16()).toBe(0x0203);
    expect([...(await reader.read(3))]).toEqual([4, 5, 6]);
    expect(reader.buffered).toBe(0);
  });

  it('reads big-endian u32 and s32', async () => {
    const reader = new ChunkReader();
    reader.feed(bytes(0xff, 0xff, 0xff, 0xfe, 0xc0, 0xa1, 0xe5, 0xce));
    expect(await reader.s32()).toBe(-2);
    expect(await reader.u32()).toBe(0xc0a1e5ce);
  });

  it('waits for bytes that have not arrived yet', async () => {
    const reader = new ChunkReader();
    const read = reader.read(4);
    reader.feed(bytes(1, 2));
    reader.feed(bytes(3));
    let done = false;
    void read.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    reader.feed(bytes(4, 5));
    expect([...(await read)]).toEqual([1, 2, 3, 4]);
    expect(await reader.u8()).toBe(5);
  });

  it('refuses a read over the cap with RfbProtocolError, before allocating', async () => {
    const reader = new ChunkReader({ maxRead: 1024 });
    await expect(reader.read(1025)).rejects.toBeInstanceOf(RfbProtocolError);
    await expect(new ChunkReader().read(0xffffffff)).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('end() rejects the pending read, still serves what was buffered, then rejects', async () => {
    const reader = new ChunkReader();
    reader.feed(bytes(9));
    const gone = new Error('closed');
    const pending = reader.read(2);
    reader.end(gone);
    await expect(pending).rejects.toBe(gone);
    expect(await reader.u8()).toBe(9);
    await expect(reader.u8()).rejects.toBe(gone);
  });

  it('refuses a second read while one is pending', async () => {
    const reader = new ChunkReader();
    void reader.read(1);
    await expect(reader.read(1)).rejects.toThrow(/already pending/);
  });

  it('pauses the source past the read-ahead and resumes once drained', async () => {
    const pause = vi.fn();
    const resume = vi.fn();
    const reader = new ChunkReader({ readAhead: 10, pause, resume });
    reader.feed(Buffer.alloc(8));
    expect(pause).not.toHaveBeenCalled();
    reader.feed(Buffer.alloc(8));
    expect(pause).toHaveBeenCalledTimes(1);
    await reader.read(12);
    expect(resume).toHaveBeenCalledTimes(1);
  });

  it('skips large spans in pieces', async () => {
    const reader = new ChunkReader();
    reader.feed(Buffer.alloc(200_000, 1));
    reader.feed(bytes(7));
    await reader.skip(200_000);
    expect(await reader.u8()).toBe(7);
  });

  it('assembles a megabyte fed in small chunks in order', async () => {
    const reader = new ChunkReader({ readAhead: Infinity });
    for (let i = 0; i < 16_384; i++) reader.feed(Buffer.alloc(64, i & 0xff));
    const all = await reader.read(16_384 * 64);
    expect(all[64 * 300]).toBe(300 & 0xff);
    expect(all[all.length - 1]).toBe(16_383 & 0xff);
  });
});
