// The Cursor pseudo-encoding (-239): pixels in our format plus a 1-bit mask, turned into RGBA with real alpha.

export interface RfbCursor {
  hotX: number;
  hotY: number;
  width: number;
  height: number;
  /** width*height*4 bytes, R G B A; fully transparent where the mask is clear. Empty for a hidden cursor. */
  rgba: Uint8Array;
}

/** `pixels` are R, G, B, X (GATEWAY_PIXEL_FORMAT); the mask has rows of ceil(width/8) bytes, MSB leftmost. */
export function cursorToRgba(width: number, height: number, pixels: Uint8Array, mask: Uint8Array): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  const stride = (width + 7) >> 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const visible = (mask[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1;
      rgba[i] = pixels[i]!;
      rgba[i + 1] = pixels[i + 1]!;
      rgba[i + 2] = pixels[i + 2]!;
      rgba[i + 3] = visible ? 255 : 0;
    }
  }
  return rgba;
}
