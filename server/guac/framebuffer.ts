// The remote screen as the gateway holds it: R,G,B,X pixels that protocol decoders write and the display encoder reads.
import type { PixelSink, Rect } from '../protocols/vnc/encodings/types.js';

const BPP = 4;
/** Beyond any real monitor; a server asking for more is refused before we allocate. */
export const MAX_FRAMEBUFFER_SIDE = 16384;

export class Framebuffer implements PixelSink {
  data: Uint8Array;
  /**
   * [0] counts protocol updates that have started writing pixels. Shared with the decoding thread: a
   * frame notes it when it cuts pixels, so a later-reported copy it may already contain is redrawn instead.
   */
  readonly sequence: Int32Array;
  private writing = false;

  /** `buffer` lets another thread share the pixels (a SharedArrayBuffer from the VNC worker). */
  constructor(
    public width: number,
    public height: number,
    buffer?: ArrayBufferLike,
    sequence?: Int32Array,
  ) {
    this.sequence = sequence ?? new Int32Array(new SharedArrayBuffer(4));
    assertSize(width, height);
    if (buffer && buffer.byteLength < width * height * BPP) throw new RangeError(`framebuffer ${width}x${height} needs ${width * height * BPP} bytes, got ${buffer.byteLength}`);
    this.data = buffer ? new Uint8Array(buffer, 0, width * height * BPP) : new Uint8Array(width * height * BPP);
  }

  /** Takes over new shared pixels after a resize, keeping this object (display streams hold it). */
  adopt(width: number, height: number, buffer: ArrayBufferLike): void {
    assertSize(width, height);
    this.data = new Uint8Array(buffer, 0, width * height * BPP);
    this.width = width;
    this.height = height;
  }

  resize(width: number, height: number): void {
    assertSize(width, height);
    const next = new Uint8Array(width * height * BPP);
    // Keep what overlaps, so a resize does not flash black before the server repaints.
    const rows = Math.min(height, this.height);
    const rowBytes = Math.min(width, this.width) * BPP;
    for (let y = 0; y < rows; y++) next.set(this.data.subarray(y * this.width * BPP, y * this.width * BPP + rowBytes), y * width * BPP);
    this.data = next;
    this.width = width;
    this.height = height;
  }

  /** The writer's side: the first write of an update bumps the sequence (before any pixel changes). */
  private touch(): void {
    if (this.writing) return;
    this.writing = true;
    Atomics.add(this.sequence, 0, 1);
  }

  /** The writer reported this update; the next write starts another. Returns the update's number. */
  endUpdate(): number {
    this.writing = false;
    return Atomics.load(this.sequence, 0);
  }

  /** The reader's side: updates that may already be in the pixels. */
  currentSequence(): number {
    return Atomics.load(this.sequence, 0);
  }

  putPixels(x: number, y: number, w: number, h: number, pixels: Uint8Array): void {
    this.touch();
    const rowBytes = w * BPP;
    for (let row = 0; row < h; row++) {
      this.data.set(pixels.subarray(row * rowBytes, (row + 1) * rowBytes), ((y + row) * this.width + x) * BPP);
    }
  }

  fillRect(x: number, y: number, w: number, h: number, r: number, g: number, b: number): void {
    this.touch();
    const pixel = (r | (g << 8) | (b << 16)) >>> 0;
    const view = new Uint32Array(this.data.buffer, this.data.byteOffset, this.width * this.height);
    for (let row = y; row < y + h; row++) view.fill(pixel, row * this.width + x, row * this.width + x + w);
  }

  copyRect(sx: number, sy: number, dx: number, dy: number, w: number, h: number): void {
    this.touch();
    const rowBytes = w * BPP;
    // Overlapping moves (scrolling) must read rows before overwriting them: walk away from the destination.
    const down = dy > sy;
    for (let i = 0; i < h; i++) {
      const row = down ? h - 1 - i : i;
      const from = ((sy + row) * this.width + sx) * BPP;
      this.data.copyWithin(((dy + row) * this.width + dx) * BPP, from, from + rowBytes);
    }
  }

  /**
   * A snapshot of `rect` as R,G,B,X rows (the image encoder drops X). Row copies are memcpy in C++: a
   * full screen costs about a millisecond, where a JavaScript loop over pixels would stall other sessions.
   */
  cropRgbx(rect: Rect): Buffer {
    const rowBytes = rect.width * BPP;
    const out = Buffer.allocUnsafe(rowBytes * rect.height);
    for (let row = 0; row < rect.height; row++) {
      const from = ((rect.y + row) * this.width + rect.x) * BPP;
      out.set(this.data.subarray(from, from + rowBytes), row * rowBytes);
    }
    return out;
  }

}

function assertSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_FRAMEBUFFER_SIDE || height > MAX_FRAMEBUFFER_SIDE) {
    throw new RangeError(`framebuffer ${width}x${height} is outside 1..${MAX_FRAMEBUFFER_SIDE} per side`);
  }
}
