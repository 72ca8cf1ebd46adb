// Test doubles shared by the decoder tests: a ByteReader over one buffer and an in-memory PixelSink (never built into dist).
import { expect } from 'vitest';
import type { ByteReader, PixelSink, Rect } from './types.js';

/** Reads from one buffer, counting reads (decoders that read whole tiles at once make few). */
export class BufferReader implements ByteReader {
  pos = 0;
  reads = 0;
  constructor(private readonly buf: Buffer) {}
  async read(length: number): Promise<Buffer> {
    if (this.pos + length > this.buf.length) throw new Error(`reader: wanted ${length} bytes, ${this.buf.length - this.pos} left`);
    this.reads++;
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
  async u8(): Promise<number> {
    return (await this.read(1)).readUInt8(0);
  }
  async u16(): Promise<number> {
    return (await this.read(2)).readUInt16BE(0);
  }
  async u32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }
  async s32(): Promise<number> {
    return (await this.read(4)).readInt32BE(0);
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

/** A framebuffer in memory; X bytes start at 0 so tests see that the decoder wrote 255 there. */
export class MemorySink implements PixelSink {
  readonly fb: Uint8Array;
  puts = 0;
  fills = 0;
  constructor(readonly width: number, readonly height: number) {
    this.fb = new Uint8Array(width * height * 4);
  }
  private check(x: number, y: number, w: number, h: number): void {
    if (x < 0 || y < 0 || x + w > this.width || y + h > this.height) throw new Error(`sink: ${w}x${h}+${x}+${y} out of bounds`);
  }
  putPixels(x: number, y: number, w: number, h: number, pixels: Uint8Array): void {
    this.check(x, y, w, h);
    expect(pixels.length).toBe(w * h * 4);
    this.puts++;
    for (let row = 0; row < h; row++) this.fb.set(pixels.subarray(row * w * 4, (row + 1) * w * 4), ((y + row) * this.width + x) * 4);
  }
  fillRect(x: number, y: number, w: number, h: number, r: number, g: number, b: number): void {
    this.check(x, y, w, h);
    this.fills++;
    for (let row = y; row < y + h; row++) {
      for (let col = x; col < x + w; col++) this.fb.set([r, g, b, 255], (row * this.width + col) * 4);
    }
  }
  copyRect(): void {
    throw new Error('not used');
  }
  /** The rect's pixels as R,G,B,X rows. */
  pixels(rect: Rect): Uint8Array {
    const out = new Uint8Array(rect.width * rect.height * 4);
    for (let y = 0; y < rect.height; y++) {
      const start = ((rect.y + y) * this.width + rect.x) * 4;
      out.set(this.fb.subarray(start, start + rect.width * 4), y * rect.width * 4);
    }
    return out;
  }
}
