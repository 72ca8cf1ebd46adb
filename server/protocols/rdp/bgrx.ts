// Pure pixel copy: the helper's BGRX rows into the framebuffer's RGBX, swapping red and blue on the way.

/** Writes a width x height BGRX block at (x, y) of an RGBX buffer `stride` pixels wide. */
export function putBgrx(target: Uint8Array, stride: number, x: number, y: number, width: number, height: number, bgrx: Uint8Array): void {
  // Whole 32-bit words: one read, a byte swap of R and B by masks, one write per pixel (endianness: little).
  // Pipe buffers land at any byte offset; a word view needs 4-byte alignment, so an odd one is copied once.
  const aligned = bgrx.byteOffset % 4 === 0 ? bgrx : new Uint8Array(bgrx); // a copy: Buffer#slice would share memory
  const src = new Uint32Array(aligned.buffer, aligned.byteOffset, width * height);
  const dst = new Uint32Array(target.buffer, target.byteOffset, target.byteLength >>> 2);
  for (let row = 0; row < height; row++) {
    let s = row * width;
    let d = (y + row) * stride + x;
    for (let col = 0; col < width; col++, s++, d++) {
      const p = src[s]!;
      // In memory B,G,R,X = little-endian word 0xXXRRGGBB; we want R,G,B,X = 0xXXBBGGRR.
      dst[d] = (p & 0xff00ff00) | ((p >>> 16) & 0xff) | ((p & 0xff) << 16);
    }
  }
}
