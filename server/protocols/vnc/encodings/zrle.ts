// ZRLE (RFB encoding 16, RFC 6143 §7.7.6): 64x64 tiles of raw/solid/palette/RLE data inside one connection-long zlib stream.
import type { DecoderState, RectDecoder } from './decoder.js';
import { type ByteReader, type PixelSink, type Rect, RfbProtocolError } from './types.js';
import { ZlibStream } from './zlib-stream.js';

const TILE = 64;
const STATE_KEY = 'zrle';

/** Host byte order decides how an R,G,B,X pixel reads as one Uint32; every Node target we run on is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Packs R,G,B (X = 255) so a Uint32Array store lays the bytes out as R,G,B,X. */
function packRgb(r: number, g: number, b: number): number {
  return LITTLE_ENDIAN ? (r | (g << 8) | (b << 16) | 0xff000000) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0;
}

// One tile's pixels, reused for every tile of every connection: a tile is decoded and handed over with no await between.
const tileBytes = new Uint8Array(TILE * TILE * 4);
const tile32 = new Uint32Array(tileBytes.buffer);
const palette = new Uint32Array(128);

/** Compressed bytes read (and inflated) at a time, so a big rect never needs one buffer for all of its data. */
const PIECE_BYTES = 256 * 1024;

/**
 * The most bytes one tile can legitimately take: plain RLE of 4096 one-pixel runs (4 bytes each) is the worst,
 * plus the subencoding byte, a palette's worth and slack. A tile still incomplete after this many bytes is garbage.
 */
const MAX_TILE_BYTES = 1 + 127 * 3 + TILE * TILE * 4 + 64;

/** Per connection: the zlib stream, and room for a tile whose bytes straddle two pieces. */
interface ZrleConnection {
  stream: ZlibStream;
  carry: Uint8Array;
}

function connectionFor(state: DecoderState): ZrleConnection {
  const existing = state.streams.get(STATE_KEY) as ZrleConnection | undefined;
  if (existing) return existing;
  const created: ZrleConnection = { stream: new ZlibStream('ZRLE'), carry: new Uint8Array(MAX_TILE_BYTES) };
  state.streams.set(STATE_KEY, created);
  return created;
}

/**
 * The most zlib output a rect can legitimately need: plain RLE of single pixels costs 4 bytes a pixel (the worst
 * case), plus per tile a subencoding byte and a 127-colour palette, plus slack. Beyond this it is a bomb.
 */
export function zrleOutputCap(width: number, height: number): number {
  const tiles = Math.ceil(width / TILE) * Math.ceil(height / TILE);
  return width * height * 4 + tiles * (1 + 127 * 3) + 64 * 1024;
}

export interface ZrleOptions {
  /** Compressed bytes read and inflated at a time (tests make it tiny to split tiles across pieces). */
  pieceBytes?: number;
}

export function createZrleDecoder(options: ZrleOptions = {}): RectDecoder {
  const pieceBytes = Math.max(1, options.pieceBytes ?? PIECE_BYTES);
  return async (reader: ByteReader, rect: Rect, sink: PixelSink, state: DecoderState) => {
    let budget = zrleOutputCap(rect.width, rect.height);
    let remaining = await reader.u32();
    // zlib never expands data by more than a few bytes per 16 KiB block; anything far larger is not a real rect.
    if (remaining > budget * 2 + 64 * 1024) {
      throw new RfbProtocolError(`ZRLE: ${remaining} bytes of compressed data for a ${rect.width}x${rect.height} rect`);
    }
    const connection = connectionFor(state);
    const tiles = new TileWalk(rect, sink, connection.carry);
    // Tiles are drawn as their bytes inflate, piece by piece, so decoding overlaps the rest of the rect arriving.
    while (remaining > 0) {
      const piece = await reader.read(Math.min(pieceBytes, remaining));
      remaining -= piece.length;
      const out = connection.stream.inflate(piece, budget);
      budget -= out.length;
      tiles.feed(out);
    }
    if (!tiles.done) throw new RfbProtocolError('ZRLE: tile data ends early');
    // Output after the last tile is tolerated, as other clients do; the stream stays in sync because the server flushed.
  };
}

export const decodeZrle: RectDecoder = createZrleDecoder();

/** Thrown inside a tile when its bytes run out; the tile is retried once more bytes have arrived. */
const NEED_MORE = new Error('ZRLE: need more data');

function truncated(): never {
  throw NEED_MORE;
}

/** Walks a rect's tiles left to right, top to bottom, across however many pieces of inflated data they come in. */
class TileWalk {
  private tx = 0;
  private ty = 0;
  private carried = 0;
  done: boolean;

  constructor(
    private readonly rect: Rect,
    private readonly sink: PixelSink,
    private readonly carry: Uint8Array,
  ) {
    this.done = rect.width === 0 || rect.height === 0;
  }

  /** Decodes every tile complete in `data` (a view valid only during this call); keeps the incomplete rest. */
  feed(data: Uint8Array): void {
    let p = 0;
    if (this.carried > 0) {
      // Finish the straddling tile from the carry buffer topped up with the start of this piece.
      const take = Math.min(data.length, this.carry.length - this.carried);
      this.carry.set(data.subarray(0, take), this.carried);
      const available = this.carried + take;
      const after = this.tryTile(this.carry.subarray(0, available), 0);
      if (after < 0) {
        if (available === this.carry.length) throw new RfbProtocolError('ZRLE: a tile is larger than any tile can be');
        this.carried = available;
        return;
      }
      p = after - this.carried;
      this.carried = 0;
    }
    while (!this.done) {
      const after = this.tryTile(data, p);
      if (after < 0) {
        const rest = data.length - p;
        if (rest > this.carry.length) throw new RfbProtocolError('ZRLE: a tile is larger than any tile can be');
        this.carry.set(data.subarray(p), 0);
        this.carried = rest;
        return;
      }
      p = after;
    }
  }

  /** Decodes the current tile from d[p..] and moves on; returns where it ended, or -1 if d ends inside it. */
  private tryTile(d: Uint8Array, p: number): number {
    let after: number;
    try {
      after = decodeTile(d, p, this.rect, this.tx, this.ty, this.sink);
    } catch (err) {
      if (err === NEED_MORE) return -1;
      throw err;
    }
    this.tx += TILE;
    if (this.tx >= this.rect.width) {
      this.tx = 0;
      this.ty += TILE;
      if (this.ty >= this.rect.height) this.done = true;
    }
    return after;
  }
}

/** Decodes one tile starting at d[p] and draws it; returns the position after it. Throws NEED_MORE before drawing if d is short. */
function decodeTile(d: Uint8Array, p: number, rect: Rect, tx: number, ty: number, sink: PixelSink): number {
  const end = d.length;
  const tw = Math.min(TILE, rect.width - tx);
  const th = Math.min(TILE, rect.height - ty);
  const n = tw * th;
  if (p >= end) truncated();
  const sub = d[p++]!;

  if (sub === 1) {
    if (p + 3 > end) truncated();
    sink.fillRect(rect.x + tx, rect.y + ty, tw, th, d[p]!, d[p + 1]!, d[p + 2]!);
    return p + 3;
  }

  if (sub === 0) {
    if (p + n * 3 > end) truncated();
    for (let i = 0; i < n; i++, p += 3) tile32[i] = packRgb(d[p]!, d[p + 1]!, d[p + 2]!);
  } else if (sub <= 16) {
    p = packedPalette(d, p, sub, tw, th);
  } else if (sub === 128) {
    p = plainRle(d, p, n);
  } else if (sub >= 130) {
    p = paletteRle(d, p, sub - 128, n);
  } else {
    throw new RfbProtocolError(`ZRLE: unknown tile subencoding ${sub}`);
  }
  sink.putPixels(rect.x + tx, rect.y + ty, tw, th, tileBytes.subarray(0, n * 4));
  return p;
}

function readPalette(d: Uint8Array, p: number, size: number): number {
  if (p + size * 3 > d.length) truncated();
  for (let i = 0; i < size; i++, p += 3) palette[i] = packRgb(d[p]!, d[p + 1]!, d[p + 2]!);
  return p;
}

function packedPalette(d: Uint8Array, p: number, size: number, tw: number, th: number): number {
  p = readPalette(d, p, size);
  const bits = size === 2 ? 1 : size <= 4 ? 2 : 4;
  const mask = (1 << bits) - 1;
  const rowBytes = (tw * bits + 7) >> 3;
  if (p + rowBytes * th > d.length) truncated();
  let i = 0;
  for (let y = 0; y < th; y++) {
    // Each row starts on a byte boundary; pixels fill bytes from the most significant bit down.
    let byte = 0;
    let left = 0;
    for (let x = 0; x < tw; x++) {
      if (left === 0) {
        byte = d[p++]!;
        left = 8;
      }
      left -= bits;
      const index = (byte >> left) & mask;
      if (index >= size) throw new RfbProtocolError(`ZRLE: palette index ${index} beyond a ${size}-colour palette`);
      tile32[i++] = palette[index]!;
    }
  }
  return p;
}

// Where the last readRun stopped; a module variable instead of a returned tuple keeps runs allocation-free.
let runEnd = 0;

/** Run lengths are 1 + the sum of bytes, where each 255 means "and another byte follows". Runs stay inside a tile. */
function readRun(d: Uint8Array, p: number, remaining: number): number {
  let length = 1;
  let b: number;
  do {
    if (p >= d.length) truncated();
    b = d[p++]!;
    length += b;
  } while (b === 255 && length <= remaining);
  if (length > remaining) throw new RfbProtocolError(`ZRLE: run of ${length} pixels overflows its tile`);
  runEnd = p;
  return length;
}

function plainRle(d: Uint8Array, p: number, n: number): number {
  let i = 0;
  while (i < n) {
    if (p + 4 > d.length) truncated();
    const colour = packRgb(d[p]!, d[p + 1]!, d[p + 2]!);
    const length = readRun(d, p + 3, n - i);
    p = runEnd;
    tile32.fill(colour, i, i + length);
    i += length;
  }
  return p;
}

function paletteRle(d: Uint8Array, p: number, size: number, n: number): number {
  p = readPalette(d, p, size);
  let i = 0;
  while (i < n) {
    if (p >= d.length) truncated();
    const b = d[p++]!;
    const index = b & 0x7f;
    if (index >= size) throw new RfbProtocolError(`ZRLE: palette index ${index} beyond a ${size}-colour palette`);
    if (b < 128) {
      tile32[i++] = palette[index]!;
    } else {
      const length = readRun(d, p, n - i);
      p = runEnd;
      tile32.fill(palette[index]!, i, i + length);
      i += length;
    }
  }
  return p;
}
