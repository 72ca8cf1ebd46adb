// Tight (RFB encoding 7, rfbproto community spec): fill, JPEG, or zlib-compressed copy/palette/gradient rects over four zlib streams.
import sharp, { type OutputInfo } from 'sharp';
import type { DecoderState, RectDecoder } from './decoder.js';
import { type ByteReader, type PixelSink, type Rect, RfbProtocolError } from './types.js';
import { ZlibStream } from './zlib-stream.js';

const FILL = 8;
const JPEG = 9;
/** Tight sends data shorter than this as is, without touching the zlib stream. */
const MIN_TO_COMPRESS = 12;

const FILTER_COPY = 0;
const FILTER_PALETTE = 1;
const FILTER_GRADIENT = 2;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Packs R,G,B (X = 255) so a Uint32Array store lays the bytes out as R,G,B,X. */
function packRgb(r: number, g: number, b: number): number {
  return LITTLE_ENDIAN ? (r | (g << 8) | (b << 16) | 0xff000000) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0;
}

// Rects are decoded in strips of at most this many pixels, so the scratch buffer stays small however large the rect.
const STRIP_PIXELS = 64 * 1024;
const stripBytes = new Uint8Array(STRIP_PIXELS * 4);
const strip32 = new Uint32Array(stripBytes.buffer);
const palette = new Uint32Array(256);

function fail(message: string): never {
  throw new RfbProtocolError(`Tight: ${message}`);
}

function streamFor(state: DecoderState, id: number): ZlibStream {
  const key = `tight:${id}`;
  const existing = state.streams.get(key);
  if (existing instanceof ZlibStream) return existing;
  const stream = new ZlibStream(`Tight stream ${id}`);
  state.streams.set(key, stream);
  return stream;
}

export const decodeTight: RectDecoder = async (reader: ByteReader, rect: Rect, sink: PixelSink, state: DecoderState) => {
  const control = await reader.u8();
  // Bits 0-3 ask us to reset streams 0-3 before this rect, whatever the rect's own compression is.
  for (let id = 0; id < 4; id++) {
    if (control & (1 << id)) {
      const stream = state.streams.get(`tight:${id}`);
      if (stream instanceof ZlibStream) stream.reset();
    }
  }
  const kind = control >> 4;
  if (kind === FILL) {
    const pixel = await reader.read(3);
    sink.fillRect(rect.x, rect.y, rect.width, rect.height, pixel[0]!, pixel[1]!, pixel[2]!);
  } else if (kind === JPEG) {
    await decodeJpeg(reader, rect, sink);
  } else if (kind > JPEG) {
    // 10 is PNG, which only TightPNG (a different encoding number) may send.
    fail(`unknown compression ${kind}`);
  } else {
    await decodeBasic(reader, rect, sink, streamFor(state, kind & 3), (kind & 4) !== 0);
  }
};

/** Tight's 1-3 byte length: 7 bits, 7 bits, then 8 bits, each byte's top bit saying another follows. */
async function readCompactLength(reader: ByteReader): Promise<number> {
  let b = await reader.u8();
  let length = b & 0x7f;
  if (b & 0x80) {
    b = await reader.u8();
    length |= (b & 0x7f) << 7;
    if (b & 0x80) length |= (await reader.u8()) << 14;
  }
  return length;
}

async function decodeJpeg(reader: ByteReader, rect: Rect, sink: PixelSink): Promise<void> {
  const length = await readCompactLength(reader);
  const jpeg = await reader.read(length);
  const { width, height } = rect;
  if (width * height === 0) fail('JPEG rect with no pixels');
  // sharp sniffs the format itself; only let JPEG through so a server cannot feed SVG, TIFF, etc. to libvips.
  if (jpeg.length < 3 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8 || jpeg[2] !== 0xff) fail('JPEG data is not a JPEG');
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    // The pixel limit rejects an oversized image from its header, before any decoding work.
    decoded = await sharp(jpeg, { limitInputPixels: width * height, failOn: 'error' })
      .toColourspace('srgb') // greyscale and CMYK JPEGs come out as RGB too
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    fail(`bad JPEG (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const { info, data } = decoded;
  if (info.width !== width || info.height !== height || info.channels !== 4) {
    fail(`JPEG is ${info.width}x${info.height}, the rect ${width}x${height}`);
  }
  // RGBA from sharp is already R,G,B,X with X = 255.
  sink.putPixels(rect.x, rect.y, width, height, data);
}

async function decodeBasic(reader: ByteReader, rect: Rect, sink: PixelSink, stream: ZlibStream, explicitFilter: boolean): Promise<void> {
  const { width, height } = rect;
  const filter = explicitFilter ? await reader.u8() : FILTER_COPY;
  let colours = 0;
  let size: number;
  if (filter === FILTER_COPY || filter === FILTER_GRADIENT) {
    size = width * height * 3;
  } else if (filter === FILTER_PALETTE) {
    colours = (await reader.u8()) + 1;
    const entries = await reader.read(colours * 3);
    for (let i = 0, p = 0; i < colours; i++, p += 3) palette[i] = packRgb(entries[p]!, entries[p + 1]!, entries[p + 2]!);
    // Two colours (or one) pack 8 pixels to a byte with rows padded to a byte; more use a byte a pixel.
    size = colours <= 2 ? ((width + 7) >> 3) * height : width * height;
  } else {
    fail(`unknown filter ${filter}`);
  }

  let data: Uint8Array;
  if (size < MIN_TO_COMPRESS) {
    data = await reader.read(size);
  } else {
    const compressed = await reader.read(await readCompactLength(reader));
    // The exact size is known, so it is also the bomb cap.
    data = stream.inflate(compressed, size);
    if (data.length < size) fail(`zlib data gives ${data.length} of ${size} bytes`);
  }

  // From here on everything is synchronous: `data` may be the stream's buffer and the strip scratch is shared.
  if (filter === FILTER_PALETTE) {
    if (colours <= 2) writeBitPalette(data, rect, sink, colours);
    else writeBytePalette(data, rect, sink, colours);
  } else if (filter === FILTER_GRADIENT) {
    writeGradient(data, rect, sink);
  } else {
    writeCopy(data, rect, sink);
  }
}

function stripRows(width: number): number {
  return Math.max(1, Math.floor(STRIP_PIXELS / Math.max(1, width)));
}

function writeCopy(d: Uint8Array, rect: Rect, sink: PixelSink): void {
  const { width, height } = rect;
  const rows = stripRows(width);
  let p = 0;
  for (let y = 0; y < height; y += rows) {
    const h = Math.min(rows, height - y);
    const n = width * h;
    for (let i = 0; i < n; i++, p += 3) strip32[i] = packRgb(d[p]!, d[p + 1]!, d[p + 2]!);
    sink.putPixels(rect.x, rect.y + y, width, h, stripBytes.subarray(0, n * 4));
  }
}

function writeBytePalette(d: Uint8Array, rect: Rect, sink: PixelSink, colours: number): void {
  const { width, height } = rect;
  const rows = stripRows(width);
  let p = 0;
  for (let y = 0; y < height; y += rows) {
    const h = Math.min(rows, height - y);
    const n = width * h;
    for (let i = 0; i < n; i++) {
      const index = d[p++]!;
      if (index >= colours) fail(`palette index ${index} beyond a ${colours}-colour palette`);
      strip32[i] = palette[index]!;
    }
    sink.putPixels(rect.x, rect.y + y, width, h, stripBytes.subarray(0, n * 4));
  }
}

function writeBitPalette(d: Uint8Array, rect: Rect, sink: PixelSink, colours: number): void {
  const { width, height } = rect;
  const rows = stripRows(width);
  const rowBytes = (width + 7) >> 3;
  for (let y = 0; y < height; y += rows) {
    const h = Math.min(rows, height - y);
    let i = 0;
    for (let row = y; row < y + h; row++) {
      const base = row * rowBytes;
      for (let x = 0; x < width; x++) {
        const index = (d[base + (x >> 3)]! >> (7 - (x & 7))) & 1;
        if (index >= colours) fail(`palette index ${index} beyond a ${colours}-colour palette`);
        strip32[i++] = palette[index]!;
      }
    }
    sink.putPixels(rect.x, rect.y + y, width, h, stripBytes.subarray(0, i * 4));
  }
}

/** Each byte is the difference from a prediction: left + above - above-left, per channel, clamped to 0..255. */
function writeGradient(d: Uint8Array, rect: Rect, sink: PixelSink): void {
  const { width, height } = rect;
  const rows = stripRows(width);
  const rowLength = width * 3;
  // The row above (all zeros above the first row), and the row being rebuilt.
  let above = new Uint8Array(rowLength);
  let current = new Uint8Array(rowLength);
  let p = 0;
  for (let y = 0; y < height; y += rows) {
    const h = Math.min(rows, height - y);
    let i = 0;
    for (let row = 0; row < h; row++) {
      for (let x = 0; x < rowLength; x++, p++) {
        // x walks channel bytes, so x - 3 is the same channel one pixel left.
        const left = x >= 3 ? current[x - 3]! : 0;
        const aboveLeft = x >= 3 ? above[x - 3]! : 0;
        let predicted = left + above[x]! - aboveLeft;
        predicted = predicted < 0 ? 0 : predicted > 255 ? 255 : predicted;
        current[x] = (d[p]! + predicted) & 0xff;
      }
      for (let x = 0; x < rowLength; x += 3) strip32[i++] = packRgb(current[x]!, current[x + 1]!, current[x + 2]!);
      const swap = above;
      above = current;
      current = swap;
    }
    sink.putPixels(rect.x, rect.y + y, width, h, stripBytes.subarray(0, i * 4));
  }
}
