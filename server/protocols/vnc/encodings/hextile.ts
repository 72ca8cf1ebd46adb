// Hextile (RFB encoding 5, RFC 6143 §7.7.4): 16x16 tiles, each raw or a background plus subrectangles.
import type { DecoderState, RectDecoder } from './decoder.js';
import { BYTES_PER_PIXEL, type ByteReader, type PixelSink, type Rect, RfbProtocolError } from './types.js';

const TILE = 16;

const RAW = 1;
const BACKGROUND_SPECIFIED = 2;
const FOREGROUND_SPECIFIED = 4;
const ANY_SUBRECTS = 8;
const SUBRECTS_COLOURED = 16;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The 4 wire bytes of a pixel as the Uint32 that stores back as those same bytes in a Uint32Array. */
function pixelAt(buf: Buffer, offset: number): number {
  return LITTLE_ENDIAN ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

/** Byte `i` (0 = R, 1 = G, 2 = B) of a pixel produced by pixelAt. */
function byteOf(pixel: number, i: number): number {
  return (pixel >>> (LITTLE_ENDIAN ? 8 * i : 24 - 8 * i)) & 0xff;
}

// One tile's pixels; safe to share because nothing awaits between filling it and handing it to the sink.
const tileBytes = new Uint8Array(TILE * TILE * BYTES_PER_PIXEL);
const tile32 = new Uint32Array(tileBytes.buffer);

export const decodeHextile: RectDecoder = async (reader: ByteReader, rect: Rect, sink: PixelSink, _state: DecoderState) => {
  // Background and foreground carry over from tile to tile within this rect (not across rects). A server must
  // specify the background in the first non-raw tile; like other clients we start from 0 rather than fail.
  let background = 0;
  let foreground = 0;
  for (let ty = 0; ty < rect.height; ty += TILE) {
    const th = Math.min(TILE, rect.height - ty);
    for (let tx = 0; tx < rect.width; tx += TILE) {
      const tw = Math.min(TILE, rect.width - tx);
      const x = rect.x + tx;
      const y = rect.y + ty;
      const flags = await reader.u8();

      if (flags & RAW) {
        // The wire pixels are already in the sink's R,G,B,X layout; the other flag bits are ignored for raw tiles.
        const pixels = await reader.read(tw * th * BYTES_PER_PIXEL);
        sink.putPixels(x, y, tw, th, pixels);
        continue;
      }

      if (flags & BACKGROUND_SPECIFIED) background = pixelAt(await reader.read(BYTES_PER_PIXEL), 0);
      if (flags & FOREGROUND_SPECIFIED) foreground = pixelAt(await reader.read(BYTES_PER_PIXEL), 0);

      if (!(flags & ANY_SUBRECTS)) {
        sink.fillRect(x, y, tw, th, byteOf(background, 0), byteOf(background, 1), byteOf(background, 2));
        continue;
      }

      const count = await reader.u8();
      const coloured = (flags & SUBRECTS_COLOURED) !== 0;
      const stride = coloured ? BYTES_PER_PIXEL + 2 : 2;
      // All subrects in one read: a tile can have up to 255 and per-subrect awaits would dominate the cost.
      const data = count > 0 ? await reader.read(count * stride) : EMPTY;

      const n = tw * th;
      tile32.fill(background, 0, n);
      for (let p = 0; p < data.length; p += stride) {
        let colour = foreground;
        let q = p;
        if (coloured) {
          colour = pixelAt(data, q);
          // A coloured subrect also becomes the foreground later tiles inherit, as the reference clients do.
          foreground = colour;
          q += BYTES_PER_PIXEL;
        }
        const xy = data[q]!;
        const wh = data[q + 1]!;
        const sx = xy >> 4;
        const sy = xy & 15;
        const sw = (wh >> 4) + 1;
        const sh = (wh & 15) + 1;
        if (sx + sw > tw || sy + sh > th) {
          throw new RfbProtocolError(`Hextile: subrect ${sw}x${sh}+${sx}+${sy} outside its ${tw}x${th} tile`);
        }
        for (let row = sy; row < sy + sh; row++) tile32.fill(colour, row * tw + sx, row * tw + sx + sw);
      }
      sink.putPixels(x, y, tw, th, tileBytes.subarray(0, n * BYTES_PER_PIXEL));
    }
  }
};

const EMPTY = Buffer.alloc(0);
