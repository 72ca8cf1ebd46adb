// BGRX to RGBX: red and blue swap, green stays, only the block is written.
import { describe, expect, it } from 'vitest';
import { putBgrx } from './bgrx.js';

describe('putBgrx', () => {
  it('swaps red and blue into place, leaving the rest of the target alone', () => {
    const target = new Uint8Array(3 * 2 * 4).fill(7);
    // One pixel: B=0x11 G=0x22 R=0x33 X=0xff.
    putBgrx(target, 3, 1, 1, 1, 1, Uint8Array.of(0x11, 0x22, 0x33, 0xff));
    expect([...target.subarray((1 * 3 + 1) * 4, (1 * 3 + 2) * 4)]).toEqual([0x33, 0x22, 0x11, 0xff]);
    expect(target.subarray(0, 16).every((b) => b === 7)).toBe(true);
  });

  it('reads a block that starts at an odd byte offset', () => {
    const target = new Uint8Array(4);
    const backing = Buffer.alloc(5); // a Buffer, as the pipe delivers: its slice() shares memory
    backing.set([0x11, 0x22, 0x33, 0xff], 1);
    putBgrx(target, 1, 0, 0, 1, 1, backing.subarray(1));
    expect([...target]).toEqual([0x33, 0x22, 0x11, 0xff]);
  });

  it('copies a block row by row at its offset', () => {
    const target = new Uint8Array(4 * 3 * 4);
    const block = new Uint8Array(2 * 2 * 4);
    for (let i = 0; i < 4; i++) block.set([i, 0, 100 + i, 0], i * 4);
    putBgrx(target, 4, 2, 1, 2, 2, block);
    const red = (x: number, y: number) => target[(y * 4 + x) * 4];
    expect([red(2, 1), red(3, 1), red(2, 2), red(3, 2)]).toEqual([100, 101, 102, 103]);
    expect(red(1, 1)).toBe(0);
  });
});
