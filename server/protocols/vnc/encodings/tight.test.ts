// Unit tests for the Tight decoder: a small Tight encoder here drives fill, JPEG and copy/palette/gradient over four zlib streams.
import { Deflate, Z_SYNC_FLUSH } from 'pako';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDecoderState, type DecoderState } from './decoder.js';
import { decodeTight } from './tight.js';
import { type Rect, RfbProtocolError } from './types.js';
import { BufferReader, MemorySink } from './decoder.testkit.js';

/** Serves a fixed buffer; running out is a plain Error so only the decoder's own checks raise RfbProtocolError. */

/** Byte-exact comparison that stays fast for large buffers and names the first bad pixel. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  if (Buffer.from(actual).equals(Buffer.from(expected))) return;
  let i = 0;
  while (actual[i] === expected[i]) i++;
  const at = i - (i % 4);
  expect({ pixel: at / 4, got: [...actual.subarray(at, at + 4)] }).toEqual({ pixel: at / 4, got: [...expected.subarray(at, at + 4)] });
}

/** One deflate context per Tight stream, sync-flushed after each rect as servers do. */
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

function compactLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x4000) return [(n & 0x7f) | 0x80, n >> 7];
  return [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14];
}

type Rgb = readonly [number, number, number];

/** An image as R,G,B bytes plus what the decoder should produce from it (R,G,B,255). */
interface Image {
  width: number;
  height: number;
  rgb: Uint8Array;
}

function image(width: number, height: number, pixel: (x: number, y: number) => Rgb): Image {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(pixel(x, y), (y * width + x) * 3);
  return { width, height, rgb };
}

function rgbx(img: Image): Uint8Array {
  const out = new Uint8Array(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) out.set([img.rgb[i * 3]!, img.rgb[i * 3 + 1]!, img.rgb[i * 3 + 2]!, 255], i * 4);
  return out;
}

/** The server side: four streams and the Tight rect layouts. */
class TightEncoder {
  streams = [new StreamDeflater(), new StreamDeflater(), new StreamDeflater(), new StreamDeflater()];

  /** Reset bits make the server start a stream afresh; the client must follow. */
  private control(kind: number, reset: number): number {
    for (let i = 0; i < 4; i++) if (reset & (1 << i)) this.streams[i] = new StreamDeflater();
    return (kind << 4) | reset;
  }

  private payload(stream: number, data: Uint8Array): number[] {
    if (data.length < 12) return [...data];
    const compressed = this.streams[stream]!.compress(data);
    return [...compactLength(compressed.length), ...compressed];
  }

  fill(c: Rgb, reset = 0): Buffer {
    return Buffer.from([this.control(8, reset), ...c]);
  }

  jpeg(jpeg: Uint8Array, reset = 0): Buffer {
    return Buffer.concat([Buffer.from([this.control(9, reset), ...compactLength(jpeg.length)]), jpeg]);
  }

  copy(img: Image, stream: number, opts: { explicit?: boolean; reset?: number } = {}): Buffer {
    const head = opts.explicit ? [this.control(stream | 4, opts.reset ?? 0), 0] : [this.control(stream, opts.reset ?? 0)];
    return Buffer.from([...head, ...this.payload(stream, img.rgb)]);
  }

  palette(img: Image, stream: number): Buffer {
    const colours: Rgb[] = [];
    const index = new Map<number, number>();
    const indices: number[] = [];
    for (let i = 0; i < img.width * img.height; i++) {
      const c: Rgb = [img.rgb[i * 3]!, img.rgb[i * 3 + 1]!, img.rgb[i * 3 + 2]!];
      const k = (c[0] << 16) | (c[1] << 8) | c[2];
      if (!index.has(k)) {
        index.set(k, colours.length);
        colours.push(c);
      }
      indices.push(index.get(k)!);
    }
    let data: Uint8Array;
    if (colours.length <= 2) {
      const rowBytes = (img.width + 7) >> 3;
      data = new Uint8Array(rowBytes * img.height);
      for (let y = 0; y < img.height; y++) {
        for (let x = 0; x < img.width; x++) if (indices[y * img.width + x]) data[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
      }
    } else {
      data = Uint8Array.from(indices);
    }
    return Buffer.from([this.control(stream | 4, 0), 1, colours.length - 1, ...colours.flat(), ...this.payload(stream, data)]);
  }

  gradient(img: Image, stream: number): Buffer {
    const { width, height, rgb } = img;
    const residual = new Uint8Array(rgb.length);
    const at = (x: number, y: number, c: number): number => (x < 0 || y < 0 ? 0 : rgb[(y * width + x) * 3 + c]!);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          const predicted = Math.min(255, Math.max(0, at(x - 1, y, c) + at(x, y - 1, c) - at(x - 1, y - 1, c)));
          residual[(y * width + x) * 3 + c] = (at(x, y, c) - predicted) & 0xff;
        }
      }
    }
    return Buffer.from([this.control(stream | 4, 0), 2, ...this.payload(stream, residual)]);
  }
}

async function decode(message: Buffer, rect: Rect, sink: MemorySink, state: DecoderState): Promise<BufferReader> {
  const reader = new BufferReader(message);
  await decodeTight(reader, rect, sink, state);
  expect(reader.remaining).toBe(0);
  return reader;
}

const smooth = (w: number, h: number): Image =>
  image(w, h, (x, y) => [Math.round((x * 255) / (w - 1)), Math.round((y * 255) / (h - 1)), Math.round(((x + y) * 255) / (w + h - 2))]);

function noise(w: number, h: number, seed: number): Image {
  let s = seed;
  return image(w, h, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return [s >>> 24, (s >>> 16) & 255, (s >>> 8) & 255];
  });
}

describe('decodeTight', () => {
  it('fills a rect with one colour', async () => {
    const sink = new MemorySink(20, 20);
    const rect: Rect = { x: 3, y: 4, width: 10, height: 7 };
    await decode(new TightEncoder().fill([12, 34, 56]), rect, sink, createDecoderState());
    expect(sink.fills).toBe(1);
    expectSameBytes(sink.pixels(rect), rgbx(image(10, 7, () => [12, 34, 56])));
  });

  it('decodes copy-filter rects: short ones uncompressed, others on persistent streams, implicit and explicit filter', async () => {
    const sink = new MemorySink(640, 480);
    const state = createDecoderState();
    const enc = new TightEncoder();

    // 3x1 is 9 bytes of pixels: sent as is, no length, no zlib.
    const tiny = noise(3, 1, 1);
    const tinyMessage = enc.copy(tiny, 0);
    expect(tinyMessage.length).toBe(1 + 9);
    await decode(tinyMessage, { x: 0, y: 0, width: 3, height: 1 }, sink, state);
    expectSameBytes(sink.pixels({ x: 0, y: 0, width: 3, height: 1 }), rgbx(tiny));

    // Noise does not compress: 400x300 needs a 3-byte compact length, and spans several decode strips.
    const big = noise(400, 300, 2);
    const bigRect: Rect = { x: 10, y: 20, width: 400, height: 300 };
    await decode(enc.copy(big, 0, { explicit: true }), bigRect, sink, state);
    expectSameBytes(sink.pixels(bigRect), rgbx(big));

    // The same stream again (dictionary carried over), then other streams interleaved.
    const smoothA = smooth(90, 40);
    const rectA: Rect = { x: 500, y: 0, width: 90, height: 40 };
    for (const stream of [0, 3, 0, 2, 3]) {
      await decode(enc.copy(smoothA, stream), rectA, sink, state);
      expectSameBytes(sink.pixels(rectA), rgbx(smoothA));
    }
  });

  it('resets a stream when the control byte says so, and only then', async () => {
    const state = createDecoderState();
    const sink = new MemorySink(64, 64);
    const rect: Rect = { x: 0, y: 0, width: 40, height: 30 };
    const img = smooth(40, 30);
    const enc = new TightEncoder();
    await decode(enc.copy(img, 1), rect, sink, state);
    // The server restarts stream 1 and says so (bit 1): fine.
    await decode(enc.copy(img, 1, { reset: 0b0010 }), rect, sink, state);
    expectSameBytes(sink.pixels(rect), rgbx(img));
    // The server restarts stream 1 without saying so: a fresh zlib header mid-stream is corrupt data.
    enc.streams[1] = new StreamDeflater();
    await expect(decode(enc.copy(img, 1), rect, sink, state)).rejects.toBeInstanceOf(RfbProtocolError);
    // A reset bit on a fill rect still resets the stream.
    const other = createDecoderState();
    const enc2 = new TightEncoder();
    await decode(enc2.copy(img, 2), rect, sink, other);
    await decode(enc2.fill([1, 2, 3], 0b0100), rect, sink, other);
    await decode(enc2.copy(img, 2), rect, sink, other);
    expectSameBytes(sink.pixels(rect), rgbx(img));
  });

  it.each([
    ['2 colours, 1 bit a pixel, 10-wide rows padded, uncompressed', 10, 5, 2],
    ['2 colours, 1 bit a pixel, compressed', 37, 21, 2],
    ['2 colours across several strips', 700, 200, 2],
    ['3 colours', 33, 17, 3],
    ['5 colours', 20, 20, 5],
    ['16 colours', 64, 48, 16],
    ['256 colours', 300, 250, 256],
  ])('decodes the palette filter: %s', async (_name, w, h, colours) => {
    const sink = new MemorySink(w + 2, h + 2);
    const palette = Array.from({ length: colours }, (_, i): Rgb => [(i * 37) & 255, (i * 101 + 7) & 255, (255 - i) & 255]);
    const img = image(w, h, (x, y) => palette[(x === 0 && y < colours ? y : x * 7 + y * 3 + ((x * y) >> 4)) % colours]!);
    const rect: Rect = { x: 1, y: 2, width: w, height: h };
    await decode(new TightEncoder().palette(img, 2), rect, sink, createDecoderState());
    expectSameBytes(sink.pixels(rect), rgbx(img));
  });

  it('decodes the gradient filter, including clamped predictions and rows across strips', async () => {
    const sink = new MemorySink(300, 250);
    // Hard edges between 0 and 255 make left + above - above-left leave 0..255, so the clamp matters.
    const img = image(300, 250, (x, y) => [((x >> 3) + (y >> 3)) & 1 ? 255 : 0, (x * 3 + y) & 255, x > y ? 250 : 3]);
    const rect: Rect = { x: 0, y: 0, width: 300, height: 250 };
    await decode(new TightEncoder().gradient(img, 1), rect, sink, createDecoderState());
    expectSameBytes(sink.pixels(rect), rgbx(img));
    // A small one that goes uncompressed (2x1 = 6 bytes).
    const small = image(2, 1, (x) => [x ? 200 : 100, 50, 25]);
    await decode(new TightEncoder().gradient(small, 1), { x: 5, y: 5, width: 2, height: 1 }, sink, createDecoderState());
    expectSameBytes(sink.pixels({ x: 5, y: 5, width: 2, height: 1 }), rgbx(small));
  });

  it('decodes a JPEG rect to within JPEG error', async () => {
    const img = smooth(96, 64);
    const jpeg = await sharp(Buffer.from(img.rgb), { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const sink = new MemorySink(100, 70);
    const rect: Rect = { x: 2, y: 3, width: 96, height: 64 };
    await decode(new TightEncoder().jpeg(jpeg), rect, sink, createDecoderState());
    const got = sink.pixels(rect);
    const want = rgbx(img);
    let worst = 0;
    let total = 0;
    for (let i = 0; i < got.length; i++) {
      const diff = Math.abs(got[i]! - want[i]!);
      worst = Math.max(worst, diff);
      total += diff;
    }
    expect(worst).toBeLessThanOrEqual(16);
    expect(total / got.length).toBeLessThan(2);
    for (let i = 3; i < got.length; i += 4) if (got[i] !== 255) throw new Error(`X byte ${got[i]} at ${i}`);
  });

  it('rejects a JPEG of the wrong size, a truncated one, and a PNG posing as one', async () => {
    const img = smooth(32, 32);
    const raw = { raw: { width: 32, height: 32, channels: 3 as const } };
    const jpeg = await sharp(Buffer.from(img.rgb), raw).jpeg().toBuffer();
    const sink = new MemorySink(64, 64);
    const state = createDecoderState();
    const enc = new TightEncoder();
    await expect(decode(enc.jpeg(jpeg), { x: 0, y: 0, width: 16, height: 64 }, sink, state)).rejects.toThrow(/JPEG is 32x32/);
    await expect(decode(enc.jpeg(jpeg), { x: 0, y: 0, width: 16, height: 16 }, sink, state)).rejects.toThrow(RfbProtocolError); // more pixels than the rect
    await expect(decode(enc.jpeg(jpeg.subarray(0, jpeg.length >> 1)), { x: 0, y: 0, width: 32, height: 32 }, sink, state)).rejects.toThrow(
      /bad JPEG/,
    );
    const png = await sharp(Buffer.from(img.rgb), raw).png().toBuffer();
    await expect(decode(enc.jpeg(png), { x: 0, y: 0, width: 32, height: 32 }, sink, state)).rejects.toThrow(/not a JPEG/);
  });

  it.each([
    ['PNG compression (TightPNG only)', [0xa0]],
    ['compression 11', [0xb0]],
    ['compression 15', [0xf0]],
    ['filter 3', [0x40, 3]],
  ])('rejects %s', async (_name, bytes) => {
    const rect: Rect = { x: 0, y: 0, width: 4, height: 4 };
    await expect(decode(Buffer.from([...bytes, ...new Array(64).fill(0)]), rect, new MemorySink(4, 4), createDecoderState())).rejects.toBeInstanceOf(
      RfbProtocolError,
    );
  });

  it('rejects a palette index beyond the palette', async () => {
    const rect: Rect = { x: 0, y: 0, width: 4, height: 1 };
    const message = Buffer.from([0x40, 1, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 1, 2, 7]);
    await expect(decode(message, rect, new MemorySink(4, 1), createDecoderState())).rejects.toThrow(/palette index 7/);
  });

  it('rejects zlib data that inflates to more or less than the rect needs, or is corrupt', async () => {
    const rect: Rect = { x: 0, y: 0, width: 20, height: 20 }; // copy filter: exactly 1200 bytes
    const withData = (compressed: Uint8Array): Buffer => Buffer.concat([Buffer.from([0x00, ...compactLength(compressed.length)]), compressed]);
    const sink = new MemorySink(20, 20);
    const bomb = deflateSync(Buffer.alloc(50 * 1024 * 1024)); // ~50 KiB in, 50 MiB out
    await expect(decode(withData(bomb), rect, sink, createDecoderState())).rejects.toThrow(/inflates beyond 1200/);
    await expect(decode(withData(new StreamDeflater().compress(new Uint8Array(1199))), rect, sink, createDecoderState())).rejects.toThrow(
      /1199 of 1200/,
    );
    await expect(decode(withData(new StreamDeflater().compress(new Uint8Array(1201))), rect, sink, createDecoderState())).rejects.toThrow(
      RfbProtocolError,
    );
    await expect(decode(withData(Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0x00])), rect, sink, createDecoderState())).rejects.toThrow(
      /corrupt zlib/,
    );
  });
});
