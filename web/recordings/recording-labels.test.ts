// Durations, sizes and player links as the recordings pages show them.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, playerHref, recordingLength } from './recording-labels';

describe('recording labels', () => {
  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [7_000, '0:07'],
    [754_000, '12:34'],
    [3_723_000, '1:02:03'],
    [-5, '0:00'],
    [Number.NaN, '0:00'],
  ])('formatDuration(%d) is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KB'],
    [20 * 1024 * 1024, '20 MB'],
    [1.25 * 1024 ** 3, '1.3 GB'],
  ])('formatBytes(%d) is %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    ['abc', undefined, '/recordings/play?id=abc'],
    ['abc', 0, '/recordings/play?id=abc'],
    ['a b', 12.3451, '/recordings/play?id=a%20b&t=12.346'],
  ])('playerHref(%s, %s) is %s', (id, at, href) => expect(playerHref(id, at)).toBe(href));

  it('measures a live recording up to now', () => {
    expect(recordingLength({ startedAt: 1000, endedAt: null }, 5000)).toBe(4000);
    expect(recordingLength({ startedAt: 1000, endedAt: 3000 }, 5000)).toBe(2000);
  });
});
