// The guess limiter: blocks after N failures in the window, reopens as they age out, bounded memory.
import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from './attempt-limiter.js';

function limiter(maxKeys?: number) {
  let now = 1_000_000;
  const l = new AttemptLimiter({ failures: 3, windowMs: 60_000 }, () => now, maxKeys);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('AttemptLimiter', () => {
  it('allows attempts until the limit, then says how long to wait', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('ip:1')).toBe(0);
      l.fail('ip:1');
      advance(1_000);
    }
    // The oldest of the three failed 3 s ago: it ages out of the 60 s window in 57 s.
    expect(l.retryAfter('ip:1')).toBe(57_000);
    expect(l.retryAfter('ip:2')).toBe(0);
    advance(57_000);
    expect(l.retryAfter('ip:1')).toBe(0);
  });

  it('a success clears the record', () => {
    const { l } = limiter();
    l.fail('k');
    l.fail('k');
    l.reset('k');
    l.fail('k');
    l.fail('k');
    expect(l.retryAfter('k')).toBe(0);
  });

  it('forgets the stalest key past its size bound', () => {
    const { l, advance } = limiter(2);
    for (const key of ['a', 'b', 'c']) {
      for (let i = 0; i < 3; i++) l.fail(key);
      advance(10);
    }
    expect(l.retryAfter('a')).toBe(0);
    expect(l.retryAfter('b')).toBeGreaterThan(0);
    expect(l.retryAfter('c')).toBeGreaterThan(0);
  });
});
