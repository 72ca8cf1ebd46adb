// A PixelSink over a plain RGBX byte array, for tests that look at what a VNC server drew.
import type { PixelSink } from '../../server/protocols/vnc/index.js';

export class MemorySink implements PixelSink {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 4);
  }

  putPixels(x: number, y: number, w: number, h: number, pixels: Uint8Array): void {
    for (let row = 0; row < h; row++) {
      this.pixels.set(pixels.subarray(row * w * 4, (row + 1) * w * 4), ((y + row) * this.width + x) * 4);
    }
  }

  fillRect(x: number, y: number, w: number, h: number, r: number, g: number, b: number): void {
    for (let row = y; row < y + h; row++) {
      for (let col = x; col < x + w; col++) this.pixels.set([r, g, b, 0], (row * this.width + col) * 4);
    }
  }

  copyRect(sx: number, sy: number, dx: number, dy: number, w: number, h: number): void {
    // Through a copy: source and destination may overlap (scrolling).
    const block = new Uint8Array(w * h * 4);
    for (let row = 0; row < h; row++) block.set(this.row(sx, sy + row, w), row * w * 4);
    this.putPixels(dx, dy, w, h, block);
  }

  /** [r, g, b] at (x, y). */
  rgb(x: number, y: number): [number, number, number] {
    const at = (y * this.width + x) * 4;
    return [this.pixels[at]!, this.pixels[at + 1]!, this.pixels[at + 2]!];
  }

  private row(x: number, y: number, w: number): Uint8Array {
    const at = (y * this.width + x) * 4;
    return this.pixels.subarray(at, at + w * 4);
  }
}
