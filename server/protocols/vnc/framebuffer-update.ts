// One FramebufferUpdate: rectangle headers, Raw and CopyRect, the pseudo-encodings, and pluggable decoders for the rest.
import { cursorToRgba, type RfbCursor } from './cursor.js';
import { ENCODING, type DecoderState, type RectDecoder } from './encodings/decoder.js';
import { BYTES_PER_PIXEL, type ByteReader, type PixelSink, type Rect } from './encodings/types.js';
import { RfbError } from './errors.js';
import { checkFramebufferSize } from './handshake.js';
import { MAX_CURSOR_SIDE, RAW_STRIP_BYTES } from './limits.js';
import type { Screen } from './messages.js';

export type FramebufferChange = { kind: 'pixels'; rect: Rect; encoding: number } | { kind: 'copy'; rect: Rect; fromX: number; fromY: number };

export interface ExtendedDesktopSize {
  /** 0 server-side change, 1 answer to our SetDesktopSize, 2 another client's change. */
  reason: number;
  /** For reason 1: 0 done, 1 prohibited, 2 out of resources, 3 invalid layout. */
  status: number;
  width: number;
  height: number;
  screens: Screen[];
}

export interface UpdateContext {
  reader: ByteReader;
  decoders: ReadonlyMap<number, RectDecoder>;
  decoderState: DecoderState;
  /** The current sink: it changes when the desktop is resized mid-update. */
  sink(): PixelSink;
  onDesktopSize(width: number, height: number): void;
  onExtendedDesktopSize(event: ExtendedDesktopSize): void;
  onCursor(cursor: RfbCursor): void;
  onQemuKeys(): void;
}

/** Reads the rest of a FramebufferUpdate (its type byte is consumed) and returns what changed, in order. */
export async function readFramebufferUpdate(ctx: UpdateContext): Promise<FramebufferChange[]> {
  const { reader } = ctx;
  await reader.u8(); // padding
  const count = await reader.u16();
  const changes: FramebufferChange[] = [];
  for (let i = 0; i < count; i++) {
    const rect = { x: await reader.u16(), y: await reader.u16(), width: await reader.u16(), height: await reader.u16() };
    const encoding = await reader.s32();
    if (encoding === ENCODING.lastRect) break;
    const change = await readRect(ctx, rect, encoding);
    if (change) changes.push(change);
  }
  return changes;
}

async function readRect(ctx: UpdateContext, rect: Rect, encoding: number): Promise<FramebufferChange | undefined> {
  const { reader } = ctx;
  switch (encoding) {
    case ENCODING.desktopSize:
      checkFramebufferSize(rect.width, rect.height);
      ctx.onDesktopSize(rect.width, rect.height);
      return undefined;
    case ENCODING.extendedDesktopSize:
      ctx.onExtendedDesktopSize(await readExtendedDesktopSize(reader, rect));
      return undefined;
    case ENCODING.cursor:
      ctx.onCursor(await readCursor(reader, rect));
      return undefined;
    case ENCODING.qemuExtendedKey:
      ctx.onQemuKeys();
      return undefined;
  }
  const sink = ctx.sink();
  checkInside(rect, sink, 'rectangle');
  if (encoding === ENCODING.raw) {
    await readRaw(reader, rect, sink);
    return { kind: 'pixels', rect, encoding };
  }
  if (encoding === ENCODING.copyRect) {
    const fromX = await reader.u16();
    const fromY = await reader.u16();
    checkInside({ ...rect, x: fromX, y: fromY }, sink, 'CopyRect source');
    sink.copyRect(fromX, fromY, rect.x, rect.y, rect.width, rect.height);
    return { kind: 'copy', rect, fromX, fromY };
  }
  const decoder = ctx.decoders.get(encoding);
  if (!decoder) throw new RfbError('protocol', `the VNC server sent a rectangle in encoding ${encoding}, which the gateway did not ask for`);
  await decoder(reader, rect, sink, ctx.decoderState);
  return { kind: 'pixels', rect, encoding };
}

function checkInside(rect: Rect, sink: PixelSink, what: string): void {
  if (rect.x + rect.width > sink.width || rect.y + rect.height > sink.height) {
    throw new RfbError('protocol', `the VNC server sent a ${what} ${rect.width}x${rect.height} at (${rect.x},${rect.y}), outside the ${sink.width}x${sink.height} framebuffer`);
  }
}

/** In strips of rows, so a full-screen rectangle never needs one buffer the size of the screen. */
async function readRaw(reader: ByteReader, rect: Rect, sink: PixelSink): Promise<void> {
  const rowBytes = rect.width * BYTES_PER_PIXEL;
  if (rowBytes === 0) return;
  const rowsPerStrip = Math.max(1, Math.floor(RAW_STRIP_BYTES / rowBytes));
  for (let row = 0; row < rect.height; row += rowsPerStrip) {
    const rows = Math.min(rowsPerStrip, rect.height - row);
    sink.putPixels(rect.x, rect.y + row, rect.width, rows, await reader.read(rows * rowBytes));
  }
}

async function readCursor(reader: ByteReader, rect: Rect): Promise<RfbCursor> {
  const { width, height } = rect;
  if (width > MAX_CURSOR_SIDE || height > MAX_CURSOR_SIDE) {
    throw new RfbError('protocol', `the VNC server sent a ${width}x${height} cursor (limit ${MAX_CURSOR_SIDE}x${MAX_CURSOR_SIDE})`);
  }
  const pixels = await reader.read(width * height * BYTES_PER_PIXEL);
  const mask = await reader.read(((width + 7) >> 3) * height);
  return { hotX: rect.x, hotY: rect.y, width, height, rgba: cursorToRgba(width, height, pixels, mask) };
}

async function readExtendedDesktopSize(reader: ByteReader, rect: Rect): Promise<ExtendedDesktopSize> {
  const count = await reader.u8();
  await reader.read(3);
  const data = await reader.read(16 * count); // count is a U8: at most 4 KiB
  const screens: Screen[] = [];
  for (let at = 0; at < data.length; at += 16) {
    screens.push({
      id: data.readUInt32BE(at),
      x: data.readUInt16BE(at + 4),
      y: data.readUInt16BE(at + 6),
      width: data.readUInt16BE(at + 8),
      height: data.readUInt16BE(at + 10),
      flags: data.readUInt32BE(at + 12),
    });
  }
  const event = { reason: rect.x, status: rect.y, width: rect.width, height: rect.height, screens };
  if (!(event.reason === 1 && event.status !== 0)) checkFramebufferSize(rect.width, rect.height); // a refusal's size is undefined
  return event;
}
