// Unit tests for reconnectDelay.
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  it.each([
    [0, 500],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10_000],
    [6, 10_000],
    [1000, 10_000],
  ])('attempt %i waits %i ms', (attempt, ms) => {
    expect(reconnectDelay(attempt)).toBe(ms);
  });

  it.each([-1, 0.5, Number.NaN])('rejects attempt %s', (attempt) => {
    expect(() => reconnectDelay(attempt)).toThrow(/attempt/);
  });
});
