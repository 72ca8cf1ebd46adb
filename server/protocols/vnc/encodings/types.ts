// What every RFB rectangle decoder works with: a pull-style byte reader over the socket's data and a pixel sink (the framebuffer).

/**
 * The gateway always asks the server (SetPixelFormat) for 32 bits per pixel, depth 24, true colour,
 * little-endian, red shift 0, green shift 8, blue shift 16: in memory each pixel is R, G, B, X.
 * Decoders therefore deal with this one format (ZRLE's and Tight's 3-byte compact pixels are R, G, B).
 */
export const GATEWAY_PIXEL_FORMAT = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 0,
  greenShift: 8,
  blueShift: 16,
} as const;

export const BYTES_PER_PIXEL = 4;

/** Reads exactly the bytes asked for, waiting for the socket when they have not arrived yet. */
export interface ByteReader {
  read(length: number): Promise<Buffer>;
  u8(): Promise<number>;
  u16(): Promise<number>;
  u32(): Promise<number>;
  s32(): Promise<number>;
}

/** Where decoded pixels go. Coordinates are already clipped by the caller to the framebuffer. */
export interface PixelSink {
  readonly width: number;
  readonly height: number;
  /** Copies w*h pixels, 4 bytes each (R, G, B, X), rows of w*4 bytes, from `pixels` to (x, y). */
  putPixels(x: number, y: number, w: number, h: number, pixels: Uint8Array): void;
  fillRect(x: number, y: number, w: number, h: number, r: number, g: number, b: number): void;
  copyRect(sx: number, sy: number, dx: number, dy: number, w: number, h: number): void;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Thrown for anything a well-behaved server never sends; ends that one session with this message. */
export class RfbProtocolError extends Error {
  override name = 'RfbProtocolError';
}
