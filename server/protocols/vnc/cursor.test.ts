// Unit tests for turning a Cursor pseudo-rectangle's pixels and mask into RGBA.
import { describe, expect, it } from 'vitest';
import { cursorToRgba } from './cursor.js';

describe('cursorToRgba', () => {
  it('takes alpha from the mask, most significant bit leftmost, rows padded to a byte', () => {
    // 9x2: needs two mask bytes per row. Row 0: first and ninth pixels set; row 1: none.
    const pixels = new Uint8Array(9 * 2 * 4).map((_, i) => i & 0xff);
    const mask = new Uint8Array([0b1000_0000, 0b1000_0000, 0, 0]);
    const rgba = cursorToRgba(9, 2, pixels, mask);
    const alpha = (x: number, y: number) => rgba[(y * 9 + x) * 4 + 3];
    expect([alpha(0, 0), alpha(1, 0), alpha(8, 0), alpha(0, 1)]).toEqual([255, 0, 255, 0]);
    expect([...rgba.subarray(4, 7)]).toEqual([4, 5, 6]); // colour copied, the X byte replaced
  });

  it('gives an empty image for a hidden (0x0) cursor', () => {
    expect(cursorToRgba(0, 0, new Uint8Array(0), new Uint8Array(0))).toHaveLength(0);
  });
});
