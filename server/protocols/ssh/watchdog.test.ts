// Unit tests for the connect watchdog: silence limit, back-to-back races, pauses for a person, touches from the host.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from './watchdog.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const never = () => new Promise<never>(() => {});

describe('Watchdog', () => {
  it('rejects with ETIMEDOUT after the limit of silence', async () => {
    const race = new Watchdog(100).race(never());
    const check = expect(race).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await vi.advanceTimersByTimeAsync(101);
    await check;
  });

  it('still times the second of two back-to-back races (the first settling must not disarm it)', async () => {
    const dog = new Watchdog(100);
    await dog.race(Promise.resolve(1));
    const second = dog.race(never());
    const check = expect(second).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await vi.advanceTimersByTimeAsync(101);
    await check;
  });

  it('does not count time waiting on a person, and restarts the clock when the host speaks', async () => {
    const dog = new Watchdog(100);
    let settled = false;
    void dog.race(never()).catch(() => (settled = true));
    let answer!: () => void;
    dog.pause(new Promise<void>((r) => (answer = r)));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(settled).toBe(false);
    answer();
    await vi.advanceTimersByTimeAsync(80);
    dog.touch();
    await vi.advanceTimersByTimeAsync(80);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(30);
    expect(settled).toBe(true);
  });
});
