// The scale a guest's fixed-size terminal gets in windows of every shape.
import { describe, expect, it } from 'vitest';
import { fitScale } from './scale-fit';

describe('fitScale', () => {
  it.each([
    // box, content, expected scale, expected left
    [{ width: 800, height: 600 }, { width: 800, height: 600 }, 1, 0],
    [{ width: 400, height: 600 }, { width: 800, height: 600 }, 0.5, 0],
    [{ width: 800, height: 300 }, { width: 800, height: 600 }, 0.5, 200],
    [{ width: 1600, height: 1200 }, { width: 800, height: 600 }, 1, 400],
    [{ width: 390, height: 700 }, { width: 960, height: 480 }, 390 / 960, 0],
  ])('box %o, content %o -> scale %d, left %d', (box, content, scale, left) => {
    const placed = fitScale(box, content);
    expect(placed.scale).toBeCloseTo(scale, 6);
    expect(placed.left).toBe(left);
    expect(placed.top).toBe(0);
  });

  it('may scale up to a larger max', () => {
    expect(fitScale({ width: 1600, height: 1200 }, { width: 800, height: 600 }, 1.5).scale).toBe(1.5);
  });

  it.each([
    [{ width: 0, height: 0 }, { width: 800, height: 600 }],
    [{ width: 800, height: 600 }, { width: 0, height: 600 }],
  ])('leaves unmeasured boxes alone (%o, %o)', (box, content) => {
    expect(fitScale(box, content)).toEqual({ scale: 1, left: 0, top: 0 });
  });
});
