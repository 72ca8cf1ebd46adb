// Unit tests for the ZRLE decoder: a small ZRLE encoder here builds tiles of every subencoding and one zlib stream across rects.
import { Deflate, Z_SYNC_FLUSH } from 'pako';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDecoderState, type DecoderState } from './decoder.js';
import { type Rect, RfbProtocolError } from './types.js';
import { createZrleDecoder, decodeZrle, zrleOutputCap } from './zrle.js';
import { BufferReader, MemorySink } from './decoder.testkit.js';

type Rgb = readonly [number, number, number];

/** Serves a fixed buffer; running out is a plain Error so only the decoder's own checks raise RfbProtocolError. */

/** One deflate context for the whole "connection", sync-flushed after each rect as servers do. */
class StreamDeflater {
  private readonly deflate = new Deflate();
  private chunks: Uint8Array[] = [];
  constructor() {
    this.deflate.onData = (chunk) => this.chunks.push(chunk);
  }
  compress(data: Uint8Array): Buffer {
    this.deflate.push(data, Z_SYNC_FLUSH);
    const out = Buffer.concat(this.chunks);
    this.chunks = [];
    return out;
  }
}

function zrleMessage(compressed: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(compressed.length);
  return Buffer.concat([head, compressed]);
}

// ---- A minimal ZRLE encoder, good enough to produce every subencoding on demand ----

type Kind =
  | { type: 'raw' }
  | { type: 'solid' }
  | { type: 'packed'; colours: number }
  | { type: 'plainRle' }
  | { type: 'paletteRle'; colours: number };

const key = (c: Rgb): number => (c[0] << 16) | (c[1] << 8) | c[2];

function distinct(px: readonly Rgb[]): Rgb[] {
  const seen = new Map<number, Rgb>();
  for (const c of px) if (!seen.has(key(c))) seen.set(key(c), c);
  return [...seen.values()];
}

function runBytes(length: number): number[] {
  const out: number[] = [];
  let rest = length - 1;
  while (rest >= 255) {
    out.push(255);
    rest -= 255;
  }
  out.push(rest);
  return out;
}

/** Runs of equal pixels in tile order. */
function runs(px: readonly Rgb[]): Array<[Rgb, number]> {
  const out: Array<[Rgb, number]> = [];
  for (const c of px) {
    const last = out[out.length - 1];
    if (last && key(last[0]) === key(c)) last[1]++;
    else out.push([c, 1]);
  }
  return out;
}

function encodeTile(kind: Kind, px: readonly Rgb[], tw: number): number[] {
  const out: number[] = [];
  switch (kind.type) {
    case 'raw':
      out.push(0);
      for (const c of px) out.push(...c);
      return out;
    case 'solid': {
      expect(distinct(px)).toHaveLength(1);
      return [1, ...px[0]!];
    }
    case 'packed': {
      const pal = distinct(px);
      expect(pal).toHaveLength(kind.colours);
      out.push(pal.length);
      for (const c of pal) out.push(...c);
      const bits = pal.length === 2 ? 1 : pal.length <= 4 ? 2 : 4;
      const index = new Map(pal.map((c, i) => [key(c), i]));
      for (let y = 0; y < px.length / tw; y++) {
        let byte = 0;
        let used = 0;
        for (let x = 0; x < tw; x++) {
          byte = (byte << bits) | index.get(key(px[y * tw + x]!))!;
          used += bits;
          if (used === 8) {
            out.push(byte);
            byte = 0;
            used = 0;
          }
        }
        if (used > 0) out.push(byte << (8 - used));
      }
      return out;
    }
    case 'plainRle':
      out.push(128);
      for (const [c, n] of runs(px)) out.push(...c, ...runBytes(n));
      return out;
    case 'paletteRle': {
      const pal = distinct(px);
      expect(pal).toHaveLength(kind.colours);
      out.push(128 + pal.length);
      for (const c of pal) out.push(...c);
      const index = new Map(pal.map((c, i) => [key(c), i]));
      for (const [c, n] of runs(px)) {
        const i = index.get(key(c))!;
        if (n === 1) out.push(i);
        else out.push(i | 128, ...runBytes(n));
      }
      return out;
    }
  }
}

/** Tile content that suits `kind`: few colours for palettes, long runs (crossing rows, >255) for RLE. */
function makeTile(kind: Kind, tw: number, th: number, seed: number): Rgb[] {
  const colour = (i: number): Rgb => [(i * 37 + seed * 11) & 255, (i * 91 + seed * 5) & 255, (i * 53 + seed) & 255];
  const px: Rgb[] = [];
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const i = y * tw + x;
      switch (kind.type) {
        case 'raw':
          px.push([(x * 4 + seed) & 255, (y * 4 + seed * 3) & 255, (x * y + seed) & 255]);
          break;
        case 'solid':
          px.push(colour(0));
          break;
        case 'packed':
          px.push(colour((x + y * 3) % kind.colours));
          break;
        case 'plainRle':
          // Runs of 1, 100 (across rows) and 300 (more than one 255 byte).
          px.push(colour(i < 5 ? i : Math.floor((i - 5) / 100) % 3 === 2 ? 7 : Math.floor((i - 5) / 300) + 10));
          break;
        case 'paletteRle':
          px.push(colour(i % 9 === 0 ? i % kind.colours : Math.floor(i / 257) % kind.colours));
          break;
      }
    }
  }
  // Make sure every palette entry is present so the palette size is exactly what the kind says.
  if (kind.type === 'packed' || kind.type === 'paletteRle') for (let c = 0; c < kind.colours && c < px.length; c++) px[c] = colour(c);
  return px;
}

interface Encoded {
  bytes: number[];
  expected: Uint8Array; // rect's pixels, R,G,B,255
}

function encodeRect(rect: Rect, kinds: readonly Kind[], seed = 1): Encoded {
  const bytes: number[] = [];
  const expected = new Uint8Array(rect.width * rect.height * 4);
  let t = 0;
  for (let ty = 0; ty < rect.height; ty += 64) {
    for (let tx = 0; tx < rect.width; tx += 64) {
      const tw = Math.min(64, rect.width - tx);
      const th = Math.min(64, rect.height - ty);
      const kind = kinds[t % kinds.length]!;
      const px = makeTile(kind, tw, th, seed + t);
      t++;
      bytes.push(...encodeTile(kind, px, tw));
      px.forEach((c, i) => expected.set([...c, 255], ((ty + Math.floor(i / tw)) * rect.width + tx + (i % tw)) * 4));
    }
  }
  return { bytes, expected };
}

/** Byte-exact comparison that stays fast for megabyte buffers (toEqual walks them element by element) and names the first bad pixel. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.length))) return;
  let i = 0;
  while (actual[i] === expected[i]) i++;
  const at = i - (i % 4);
  expect({ pixel: at / 4, got: [...actual.subarray(at, at + 4)] }).toEqual({ pixel: at / 4, got: [...expected.subarray(at, at + 4)] });
}

function rectPixels(sink: MemorySink, rect: Rect): Uint8Array {
  const out = new Uint8Array(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const start = ((rect.y + y) * sink.width + rect.x) * 4;
    out.set(sink.fb.subarray(start, start + rect.width * 4), y * rect.width * 4);
  }
  return out;
}

async function decode(message: Buffer, rect: Rect, sink: MemorySink, state: DecoderState): Promise<BufferReader> {
  const reader = new BufferReader(message);
  await decodeZrle(reader, rect, sink, state);
  return reader;
}

/** Wraps raw tile bytes as one rect's message on a fresh stream. */
function oneShot(tileBytes: number[]): Buffer {
  return zrleMessage(new StreamDeflater().compress(Uint8Array.from(tileBytes)));
}

const ALL_KINDS: Kind[] = [
  { type: 'raw' },
  { type: 'solid' },
  { type: 'packed', colours: 2 },
  { type: 'packed', colours: 3 },
  { type: 'packed', colours: 5 },
  { type: 'packed', colours: 16 },
  { type: 'plainRle' },
  { type: 'paletteRle', colours: 2 },
  { type: 'paletteRle', colours: 3 },
  { type: 'packed', colours: 4 },
  { type: 'paletteRle', colours: 127 },
  { type: 'paletteRle', colours: 72 }, // subencoding 200
];

describe('decodeZrle', () => {
  it('decodes every subencoding, including partial edge tiles, across two rects on one zlib stream', async () => {
    const sink = new MemorySink(400, 300);
    const state = createDecoderState();
    const deflater = new StreamDeflater();

    // 197x150: 4x3 tiles whose right column is 5 wide and bottom row 22 high, so packed rows need padding.
    const first: Rect = { x: 7, y: 3, width: 197, height: 150 };
    const a = encodeRect(first, ALL_KINDS, 1);
    const readerA = await decode(zrleMessage(deflater.compress(Uint8Array.from(a.bytes))), first, sink, state);
    expect(readerA.remaining).toBe(0);
    expectSameBytes(rectPixels(sink, first), a.expected);

    // The second rect's data only inflates with the first rect's dictionary: the stream must have persisted.
    const second: Rect = { x: 210, y: 100, width: 131, height: 67 };
    const b = encodeRect(second, [...ALL_KINDS].reverse(), 1);
    const readerB = await decode(zrleMessage(deflater.compress(Uint8Array.from(b.bytes))), second, sink, state);
    expect(readerB.remaining).toBe(0);
    expectSameBytes(rectPixels(sink, second), b.expected);
    expectSameBytes(rectPixels(sink, first), a.expected);
  });

  it.each([1, 7, 97, 5000])('decodes the same when compressed data arrives in pieces of %i bytes (tiles straddle pieces)', async (pieceBytes) => {
    const decoder = createZrleDecoder({ pieceBytes });
    const sink = new MemorySink(200, 160);
    const state = createDecoderState();
    const deflater = new StreamDeflater();
    const first: Rect = { x: 0, y: 0, width: 197, height: 150 };
    const a = encodeRect(first, ALL_KINDS, 2);
    const message = zrleMessage(deflater.compress(Uint8Array.from(a.bytes)));
    const reader = new BufferReader(message);
    await decoder(reader, first, sink, state);
    expect(reader.remaining).toBe(0);
    expectSameBytes(rectPixels(sink, first), a.expected);
    // The stream and the carry buffer are left clean for the next rect.
    const second: Rect = { x: 100, y: 90, width: 70, height: 70 };
    const b = encodeRect(second, [{ type: 'plainRle' }, { type: 'raw' }, { type: 'paletteRle', colours: 5 }, { type: 'packed', colours: 16 }], 4);
    await decoder(new BufferReader(zrleMessage(deflater.compress(Uint8Array.from(b.bytes)))), second, sink, state);
    expectSameBytes(rectPixels(sink, second), b.expected);
  });

  it('fails on the second rect when the stream is not shared (proves the dictionary carries over)', async () => {
    const deflater = new StreamDeflater();
    const rect: Rect = { x: 0, y: 0, width: 64, height: 64 };
    const a = encodeRect(rect, [{ type: 'raw' }], 3);
    deflater.compress(Uint8Array.from(a.bytes));
    const again = deflater.compress(Uint8Array.from(a.bytes)); // mostly back-references into the first rect
    await expect(decode(zrleMessage(again), rect, new MemorySink(64, 64), createDecoderState())).rejects.toBeInstanceOf(RfbProtocolError);
  });

  it('writes solid tiles with fillRect and other tiles with one putPixels each', async () => {
    const sink = new MemorySink(128, 128);
    const rect: Rect = { x: 0, y: 0, width: 128, height: 128 };
    const enc = encodeRect(rect, [{ type: 'solid' }, { type: 'raw' }]);
    await decode(oneShot(enc.bytes), rect, sink, createDecoderState());
    expect(sink.fills).toBe(2);
    expect(sink.puts).toBe(2);
    expectSameBytes(rectPixels(sink, rect), enc.expected);
  });

  it('handles runs that end exactly on tile boundaries and whole-tile runs continued by the next tile', async () => {
    const sink = new MemorySink(192, 64);
    const rect: Rect = { x: 0, y: 0, width: 192, height: 64 };
    const red: Rgb = [200, 10, 20];
    const blue: Rgb = [1, 2, 250];
    // Tile 1: one run of all 4096 pixels (16 continuation bytes). Tile 2: same colour again, as a 255+1 run and the rest.
    // Tile 3: palette RLE, a run up to the very last pixel.
    const t1 = [128, ...red, ...runBytes(4096)];
    const t2 = [128, ...red, ...runBytes(256), ...blue, ...runBytes(4096 - 256)];
    const t3 = [130, ...red, ...blue, 0, 1 | 128, ...runBytes(4095)];
    await decode(oneShot([...t1, ...t2, ...t3]), rect, sink, createDecoderState());
    const at = (x: number, y: number): number[] => [...sink.fb.subarray((y * 192 + x) * 4, (y * 192 + x) * 4 + 4)];
    expect(at(0, 0)).toEqual([...red, 255]);
    expect(at(63, 63)).toEqual([...red, 255]);
    expect(at(64, 0)).toEqual([...red, 255]);
    expect(at(64 + 63, 3)).toEqual([...red, 255]); // pixel 255 of tile 2
    expect(at(64, 4)).toEqual([...blue, 255]); // pixel 256 of tile 2
    expect(at(127, 63)).toEqual([...blue, 255]);
    expect(at(128, 0)).toEqual([...red, 255]);
    expect(at(129, 0)).toEqual([...blue, 255]);
    expect(at(191, 63)).toEqual([...blue, 255]);
  });

  it('rejects a run that spills past the end of its tile', async () => {
    const rect: Rect = { x: 0, y: 0, width: 128, height: 64 };
    const overlong = [128, 1, 2, 3, ...runBytes(4097)];
    await expect(decode(oneShot(overlong), rect, new MemorySink(128, 64), createDecoderState())).rejects.toThrow(/overflows its tile/);
  });

  it.each([
    ['unused subencoding 17', [17]],
    ['unused subencoding 100 (a "palette size" of 100 does not exist)', [100]],
    ['unused subencoding 127', [127]],
    ['unused subencoding 129', [129]],
  ])('rejects %s', async (_name, tile) => {
    const rect: Rect = { x: 0, y: 0, width: 8, height: 8 };
    await expect(decode(oneShot([...tile, ...new Array(300).fill(0)]), rect, new MemorySink(8, 8), createDecoderState())).rejects.toThrow(
      /unknown tile subencoding/,
    );
  });

  it('rejects palette indices beyond the palette', async () => {
    const rect: Rect = { x: 0, y: 0, width: 2, height: 1 };
    // Packed, 3 colours (2 bits a pixel), second pixel uses index 3.
    const packed = [3, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0b0011_0000];
    await expect(decode(oneShot(packed), rect, new MemorySink(2, 1), createDecoderState())).rejects.toThrow(/palette index 3/);
    // Palette RLE, 2 colours, index 5.
    const rle = [130, 1, 1, 1, 2, 2, 2, 0, 5];
    await expect(decode(oneShot(rle), rect, new MemorySink(2, 1), createDecoderState())).rejects.toThrow(/palette index 5/);
  });

  it('rejects tile data that ends early', async () => {
    const rect: Rect = { x: 0, y: 0, width: 64, height: 64 };
    const enc = encodeRect(rect, [{ type: 'raw' }]);
    const cut = enc.bytes.slice(0, enc.bytes.length - 10);
    await expect(decode(oneShot(cut), rect, new MemorySink(64, 64), createDecoderState())).rejects.toThrow(/ends early/);
    // Missing tiles altogether, and a run length cut off mid-way.
    await expect(decode(oneShot([]), rect, new MemorySink(64, 64), createDecoderState())).rejects.toThrow(RfbProtocolError);
    await expect(decode(oneShot([128, 1, 2, 3, 255]), rect, new MemorySink(64, 64), createDecoderState())).rejects.toThrow(/ends early/);
  });

  it('rejects corrupt zlib data', async () => {
    const rect: Rect = { x: 0, y: 0, width: 4, height: 4 };
    const junk = zrleMessage(Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0x00, 0x12]));
    await expect(decode(junk, rect, new MemorySink(4, 4), createDecoderState())).rejects.toBeInstanceOf(RfbProtocolError);
  });

  it('stops a zlib bomb at the output cap', async () => {
    const rect: Rect = { x: 0, y: 0, width: 16, height: 16 };
    // 16x16 may legitimately inflate to ~66 KiB; this inflates to 64 MiB from ~64 KiB of input.
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(zrleOutputCap(16, 16));
    await expect(decode(zrleMessage(bomb), rect, new MemorySink(16, 16), createDecoderState())).rejects.toThrow(/inflates beyond/);
  });

  it('refuses an absurd compressed length before reading it', async () => {
    const rect: Rect = { x: 0, y: 0, width: 16, height: 16 };
    const head = Buffer.from([0xff, 0xff, 0xff, 0xf0]);
    await expect(decode(head, rect, new MemorySink(16, 16), createDecoderState())).rejects.toThrow(/compressed data/);
  });

  // Speed belongs to bench/, not to tests (a noisy shared machine): this checks a full frame decodes right.
  it('decodes a full 1920x1080 frame, raw tiles and mixed ones', async () => {
    const rect: Rect = { x: 0, y: 0, width: 1920, height: 1080 };
    const sink = new MemorySink(1920, 1080);
    sink.putPixels = function (x, y, w, h, pixels) {
      // The real sink copies rows too; skip the per-call expect() of the test sink to time the decoder alone.
      for (let row = 0; row < h; row++) this.fb.set(pixels.subarray(row * w * 4, (row + 1) * w * 4), ((y + row) * this.width + x) * 4);
    };
    // Worst realistic case: every tile raw (3 bytes a pixel through zlib); then a mixed desktop-like frame.
    for (const kinds of [[{ type: 'raw' }], ALL_KINDS] as Kind[][]) {
      const enc = encodeRect(rect, kinds, 5);
      const compressed = new StreamDeflater().compress(Uint8Array.from(enc.bytes));
      await decode(zrleMessage(compressed), rect, sink, createDecoderState());
      expectSameBytes(rectPixels(sink, rect), enc.expected);
    }
  });
});
