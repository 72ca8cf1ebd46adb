// The desktop player's own clock: speed, pause, seek, the end, and which frame a moment shows.
import { describe, expect, it } from 'vitest';
import { frameAt, PlaybackClock } from './playback-clock';

function clockAt(duration: number) {
  let now = 1000;
  const clock = new PlaybackClock(duration, () => now);
  return { clock, advance: (ms: number) => (now += ms) };
}

describe('PlaybackClock', () => {
  it('stands still until played, then runs at its speed', () => {
    const { clock, advance } = clockAt(60_000);
    advance(500);
    expect(clock.position()).toBe(0);
    clock.play();
    advance(1000);
    expect(clock.position()).toBe(1000);
    clock.setSpeed(4);
    advance(1000);
    expect(clock.position()).toBe(5000);
    clock.setSpeed(0.5);
    advance(1000);
    expect(clock.position()).toBe(5500);
  });

  it('keeps its place across pause and seek', () => {
    const { clock, advance } = clockAt(60_000);
    clock.play();
    advance(2000);
    clock.pause();
    advance(5000);
    expect(clock.position()).toBe(2000);
    clock.seek(30_000);
    expect(clock.position()).toBe(30_000);
    clock.play();
    advance(1000);
    expect(clock.position()).toBe(31_000);
  });

  it('stops at the end and starts over when played again', () => {
    const { clock, advance } = clockAt(3000);
    clock.play();
    advance(10_000);
    expect(clock.position()).toBe(3000);
    expect(clock.atEnd()).toBe(true);
    clock.pause();
    clock.play();
    expect(clock.position()).toBe(0);
  });

  it('clamps seeks and refuses a speed of zero', () => {
    const { clock } = clockAt(3000);
    clock.seek(-5);
    expect(clock.position()).toBe(0);
    clock.seek(9000);
    expect(clock.position()).toBe(3000);
    expect(() => clock.setSpeed(0)).toThrow('speed must be above 0, not 0');
  });
});

describe('frameAt', () => {
  it.each([
    [[0, 2000], 1000, 0],
    [[0, 2000], 2000, 1],
    [[0, 2000], 9999, 1],
    [[500, 2000], 100, -1],
    [[], 100, -1],
    [[0, 0, 0, 40, 80], 0, 2],
    [[0, 40, 80, 120, 160, 200], 130, 3],
  ])('frameAt(%j, %d) is %d', (times, position, index) => expect(frameAt(times, position)).toBe(index));
});
