// Retention: age first, then size, oldest first, never a recording still being written.
import { describe, expect, it } from 'vitest';
import { recordingsToPrune } from './retention.js';

const DAY = 24 * 3600 * 1000;
const now = 100 * DAY;

describe('recordingsToPrune', () => {
  const recordings = [
    { id: 'old', startedAt: now - 40 * DAY, bytes: 10, state: 'complete' },
    { id: 'old-live', startedAt: now - 39 * DAY, bytes: 10, state: 'recording' },
    { id: 'mid', startedAt: now - 10 * DAY, bytes: 50, state: 'interrupted' },
    { id: 'new', startedAt: now - DAY, bytes: 50, state: 'complete' },
  ];

  it('deletes what is older than the age limit, except a recording still being written', () => {
    expect(recordingsToPrune(recordings, now, { maxAgeMs: 30 * DAY, maxTotalBytes: 0 })).toEqual(['old']);
  });

  it('then deletes the oldest until the total fits the size limit', () => {
    expect(recordingsToPrune(recordings, now, { maxAgeMs: 0, maxTotalBytes: 100 })).toEqual(['old', 'mid']);
    expect(recordingsToPrune(recordings, now, { maxAgeMs: 0, maxTotalBytes: 119 })).toEqual(['old']);
  });

  it('keeps everything when no limit applies', () => {
    expect(recordingsToPrune(recordings, now, { maxAgeMs: 0, maxTotalBytes: 0 })).toEqual([]);
    expect(recordingsToPrune(recordings, now, { maxAgeMs: 365 * DAY, maxTotalBytes: 10_000 })).toEqual([]);
  });
});
