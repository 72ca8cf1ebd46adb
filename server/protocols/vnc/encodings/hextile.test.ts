// Unit tests for the Hextile decoder: hand-built tiles of each kind, colour carry-over between tiles, and bad subrects.
import { describe, expect, it } from 'vitest';
import { createDecoderState } from './decoder.js';
import { decodeHextile } from './hextile.js';
import { type Rect, RfbProtocolError } from './types.js';
import { BufferReader, MemorySink } from './decoder.testkit.js';

/** Serves a fixed buffer; running out is a plain Error so only the decoder's own checks raise RfbProtocolError. */

/** A framebuffer in memory; fillRect writes X = 255, putPixels copies all four bytes. */

const RAW = 1;
const BG = 2;
const FG = 4;
const ANY = 8;
const COLOURED = 16;

type Px = readonly [number, number, number, number];

/** The expected framebuffer, painted the obvious way. */
class Painter {
  readonly fb: Uint8Array;
  constructor(private readonly width: number, height: number) {
    this.fb = new Uint8Array(width * height * 4);
  }
  fill(x: number, y: number, w: number, h: number, px: Px): void {
    for (let row = y; row < y + h; row++) for (let col = x; col < x + w; col++) this.fb.set(px, (row * this.width + col) * 4);
  }
}

const subrect = (x: number, y: number, w: number, h: number): number[] => [(x << 4) | y, ((w - 1) << 4) | (h - 1)];

async function decode(bytes: number[], rect: Rect, sink: MemorySink): Promise<BufferReader> {
  const reader = new BufferReader(Buffer.from(bytes));
  await decodeHextile(reader, rect, sink, createDecoderState());
  return reader;
}

describe('decodeHextile', () => {
  it('decodes raw, solid, foreground-subrect and coloured-subrect tiles, with partial edge tiles', async () => {
    const sink = new MemorySink(50, 40);
    const expected = new Painter(50, 40);
    // 40x20 at (2,3): tiles 16x16, 16x16, 8x16 then 16x4, 16x4, 8x4.
    const rect: Rect = { x: 2, y: 3, width: 40, height: 20 };
    const bg1: Px = [10, 20, 30, 255];
    const fg1: Px = [200, 100, 50, 255];
    const bg2: Px = [1, 2, 3, 255];
    const c1: Px = [90, 91, 92, 255];
    const c2: Px = [250, 0, 125, 255];
    const bytes: number[] = [];

    // Tile 0: raw. The wire X byte (here 0) is passed through untouched.
    bytes.push(RAW);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const px: Px = [x * 16, y * 16, (x ^ y) * 8, 0];
        bytes.push(...px);
        expected.fill(2 + x, 3 + y, 1, 1, px);
      }
    }
    // Tile 1: background only.
    bytes.push(BG, ...bg1);
    expected.fill(18, 3, 16, 16, bg1);
    // Tile 2 (8 wide): background carried over, foreground given, three subrects including both far corners.
    bytes.push(FG | ANY, ...fg1, 3, ...subrect(0, 0, 8, 1), ...subrect(7, 15, 1, 1), ...subrect(2, 5, 3, 4));
    expected.fill(34, 3, 8, 16, bg1);
    expected.fill(34, 3, 8, 1, fg1);
    expected.fill(34 + 7, 3 + 15, 1, 1, fg1);
    expected.fill(34 + 2, 3 + 5, 3, 4, fg1);
    // Tile 3 (16x4): new background, coloured subrects.
    bytes.push(BG | ANY | COLOURED, ...bg2, 2, ...c1, ...subrect(1, 1, 2, 2), ...c2, ...subrect(15, 3, 1, 1));
    expected.fill(2, 19, 16, 4, bg2);
    expected.fill(3, 20, 2, 2, c1);
    expected.fill(17, 22, 1, 1, c2);
    // Tile 4: raw, whose flags beyond Raw are ignored.
    bytes.push(RAW | BG | ANY);
    for (let i = 0; i < 16 * 4; i++) bytes.push(7, 7, 7, 7);
    expected.fill(18, 19, 16, 4, [7, 7, 7, 7]);
    // Tile 5 (8x4): no flags, so a plain tile in the background from tile 3, unchanged by the raw tile between.
    bytes.push(0);
    expected.fill(34, 19, 8, 4, bg2);

    const reader = await decode(bytes, rect, sink);
    expect(reader.remaining).toBe(0);
    expect(Buffer.from(sink.fb).equals(Buffer.from(expected.fb))).toBe(true);
    expect(sink.fills).toBe(2); // tiles 1 and 5
    expect(sink.puts).toBe(4);
  });

  it('carries background and foreground from tile to tile within a rect, but not into the next rect', async () => {
    const sink = new MemorySink(48, 32);
    const bg: Px = [5, 6, 7, 255];
    const fg: Px = [222, 111, 0, 255];
    const bytes = [
      BG | FG | ANY, ...bg, ...fg, 1, ...subrect(0, 0, 16, 1),
      ANY, 1, ...subrect(15, 0, 1, 16), // both colours inherited
      0, // solid background
    ];
    await decode(bytes, { x: 0, y: 0, width: 48, height: 16 }, sink);
    const expected = new Painter(48, 32);
    expected.fill(0, 0, 48, 16, bg);
    expected.fill(0, 0, 16, 1, fg);
    expected.fill(31, 0, 1, 16, fg);
    expect(Buffer.from(sink.fb).equals(Buffer.from(expected.fb))).toBe(true);

    // A new rect starts from nothing (pixel 0) rather than the previous rect's colours.
    await decode([ANY, 1, ...subrect(0, 0, 1, 1)], { x: 0, y: 16, width: 16, height: 16 }, sink);
    expect([...sink.fb.subarray(16 * 48 * 4, 16 * 48 * 4 + 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('lets a coloured subrect become the foreground later tiles inherit, as the reference clients do', async () => {
    const sink = new MemorySink(32, 16);
    const bg: Px = [0, 0, 0, 255];
    const c: Px = [1, 2, 3, 255];
    await decode([BG | ANY | COLOURED, ...bg, 1, ...c, ...subrect(0, 0, 1, 1), ANY, 1, ...subrect(0, 0, 1, 1)], { x: 0, y: 0, width: 32, height: 16 }, sink);
    expect([...sink.fb.subarray(16 * 4, 16 * 4 + 4)]).toEqual([...c]);
  });

  it('accepts AnySubrects with zero subrects and an empty rect', async () => {
    const sink = new MemorySink(16, 16);
    const bg: Px = [9, 8, 7, 255];
    const reader = await decode([BG | ANY, ...bg, 0], { x: 0, y: 0, width: 16, height: 16 }, sink);
    expect(reader.remaining).toBe(0);
    expect([...sink.fb.subarray(0, 4)]).toEqual([...bg]);
    const empty = await decode([], { x: 0, y: 0, width: 0, height: 0 }, sink);
    expect(empty.pos).toBe(0);
  });

  it('reads all of a tile’s subrects in one read', async () => {
    const sink = new MemorySink(16, 16);
    const subrects: number[] = [];
    for (let i = 0; i < 200; i++) subrects.push(...subrect(i % 16, (i >> 4) % 16, 1, 1));
    const reader = await decode([BG | FG | ANY, 0, 0, 0, 255, 1, 1, 1, 255, 200, ...subrects], { x: 0, y: 0, width: 16, height: 16 }, sink);
    expect(reader.reads).toBe(5); // flags, background, foreground, count, subrects
  });

  it.each([
    ['past the right edge of a narrow tile', { x: 0, y: 0, width: 10, height: 16 }, subrect(6, 0, 5, 1)],
    ['past the bottom of a short tile', { x: 0, y: 0, width: 16, height: 3 }, subrect(0, 2, 1, 2)],
  ])('rejects a subrect %s', async (_name, rect, sr) => {
    const sink = new MemorySink(16, 16);
    const attempt = decode([BG | FG | ANY, 0, 0, 0, 0, 1, 1, 1, 1, 1, ...sr], rect, sink);
    await expect(attempt).rejects.toBeInstanceOf(RfbProtocolError);
    await expect(decode([BG | FG | ANY, 0, 0, 0, 0, 1, 1, 1, 1, 1, ...sr], rect, sink)).rejects.toThrow(/outside its/);
  });
});
