// The crash-safe appender: order kept, data on disk within its write interval, never overwriting, failing loudly.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableAppender } from './durable-appender.js';

const dir = () => mkdtempSync(join(tmpdir(), 'porthole-appender-'));

describe('DurableAppender', () => {
  it('writes the head at once, then appends in order, on disk without waiting for close', async () => {
    const path = join(dir(), 'a.cast');
    const file = await DurableAppender.create(path, 'head\n', { writeIntervalMs: 20 });
    expect(readFileSync(path, 'utf8')).toBe('head\n');
    for (let i = 0; i < 1000; i++) file.append(`${i}\n`);
    // Pending lines reach the file within the write interval, with the appender still open.
    await expect.poll(() => readFileSync(path, 'utf8').split('\n').length).toBe(1002);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.slice(1, 1001)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    await file.close();
    expect(file.bytes).toBe(readFileSync(path).length);
  });

  it('never overwrites an existing file', async () => {
    const path = join(dir(), 'taken');
    writeFileSync(path, 'keep me');
    await expect(DurableAppender.create(path, 'x')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(path, 'utf8')).toBe('keep me');
  });

  it('fails, once, when the disk falls too far behind, and drops what comes after', async () => {
    const errors: Error[] = [];
    const path = join(dir(), 'b');
    const file = await DurableAppender.create(path, '', { maxPendingBytes: 100, writeThresholdBytes: 1_000, writeIntervalMs: 60_000, onError: (e) => errors.push(e) });
    file.append('x'.repeat(101));
    file.append('more');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/fell 101 bytes behind/);
    expect(file.failed).toBe(errors[0]);
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('keeps writing while a sync is slow, so a crashed process loses no more than its write interval', async () => {
    const path = join(dir(), 'slow-sync');
    const file = await DurableAppender.create(path, '', { writeIntervalMs: 10, syncIntervalMs: 1 });
    // From here on every fdatasync hangs until released: a busy shared disk.
    const handles = Object.getPrototypeOf((file as unknown as { handle: object }).handle) as { datasync: () => Promise<void> };
    const realSync = handles.datasync;
    const held: (() => void)[] = [];
    handles.datasync = function (this: unknown) {
      return new Promise<void>((resolve) => held.push(resolve)).then(() => realSync.call(this));
    };
    try {
      file.append('one;');
      await expect.poll(() => held.length).toBe(1);
      file.append('two;');
      file.append('three;');
      await expect.poll(() => readFileSync(path, 'utf8')).toBe('one;two;three;');
      expect(held).toHaveLength(1);
      const closed = file.close();
      held.splice(0).forEach((release) => release());
      await expect.poll(() => held.length).toBe(1);
      held.splice(0).forEach((release) => release());
      await closed;
      expect(file.failed).toBeNull();
    } finally {
      handles.datasync = realSync;
    }
  });

  it('resolves drained() once what was pending is written', async () => {
    const path = join(dir(), 'c');
    const file = await DurableAppender.create(path, '', { writeIntervalMs: 10 });
    file.append('frame-1;');
    await file.drained();
    expect(readFileSync(path, 'utf8')).toBe('frame-1;');
    await file.close();
  });
});
