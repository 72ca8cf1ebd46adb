// Unit tests for resuming a backlog in bounded slices per event-loop turn.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PacedResumer } from './paced-resume.js';

function backlogged(bytes: number) {
  const stream = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  const seen: number[] = [];
  stream.on('data', (c: Buffer) => seen.push(c.length));
  stream.pause();
  for (let i = 0; i < bytes / 4096; i++) stream.write(Buffer.alloc(4096, 0x79));
  return { stream, seen };
}

describe('PacedResumer', () => {
  it('hands a 2 MiB backlog over at most 256 KiB per turn, then flows', async () => {
    const { stream, seen } = backlogged(2 * 1024 * 1024);
    await new Promise((r) => setImmediate(r));
    new PacedResumer(stream, () => true).resume();
    const firstTurn = seen.reduce((a, b) => a + b, 0);
    expect(firstTurn).toBeLessThanOrEqual(256 * 1024);
    expect(firstTurn).toBeGreaterThan(0);
    await expect.poll(() => seen.reduce((a, b) => a + b, 0)).toBe(2 * 1024 * 1024);
    expect(stream.isPaused()).toBe(false);
  });

  it('stops when flow control pauses again, and stays paused', async () => {
    const { stream, seen } = backlogged(1024 * 1024);
    await new Promise((r) => setImmediate(r));
    let allowed = true;
    new PacedResumer(stream, () => allowed).resume();
    allowed = false;
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(256 * 1024);
    expect(stream.isPaused()).toBe(true);
  });
});
