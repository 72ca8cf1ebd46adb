// Countdown text and the server-clock correction.
import { describe, expect, it } from 'vitest';
import { durationText, formatCountdown, serverClock, timeLeft } from './countdown';

describe('formatCountdown', () => {
  it.each([
    [0, '0:00'],
    [-5000, '0:00'],
    [999, '0:01'],
    [59_000, '0:59'],
    [60_000, '1:00'],
    [14 * 60_000 + 32_000, '14:32'],
    [3_600_000, '1:00:00'],
    [2 * 3_600_000 + 5 * 60_000 + 9_000, '2:05:09'],
    [86_400_000, '1 d'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, '3 d 4 h'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });
});

describe('durationText', () => {
  it.each([
    [15 * 60_000, '15 minutes'],
    [60_000, '1 minute'],
    [3_600_000, '1 hour'],
    [90 * 60_000, '90 minutes'],
    [86_400_000, '1 day'],
    [7 * 86_400_000, '7 days'],
  ])('%d ms -> %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});

describe('serverClock', () => {
  it('shifts local time by the offset seen when the answer arrived', () => {
    // The guest's computer runs 90 s behind the server.
    const clock = serverClock(1_000_090_000, 1_000_000_000);
    expect(clock(1_000_010_000)).toBe(1_000_100_000);
    expect(timeLeft(1_000_160_000, () => clock(1_000_010_000))).toBe(60_000);
  });

  it('never reports negative time left', () => {
    expect(timeLeft(100, () => 200)).toBe(0);
  });
});
