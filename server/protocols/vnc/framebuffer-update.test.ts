// Unit tests for reading FramebufferUpdates: Raw in strips, CopyRect, pseudo-encodings, plugged-in decoders, LastRect.
import { describe, expect, it, vi } from 'vitest';
import { ChunkReader } from './byte-reader.js';
import { createDecoderState, ENCODING, type RectDecoder } from './encodings/decoder.js';
import type { PixelSink } from './encodings/types.js';
import { readFramebufferUpdate, type UpdateContext } from './framebuffer-update.js';

function u16(v: number) {
  return Buffer.from([v >> 8, v & 0xff]);
}
function rect(x: number, y: number, w: number, h: number, encoding: number) {
  const e = Buffer.alloc(4);
  e.writeInt32BE(encoding);
  return Buffer.concat([u16(x), u16(y), u16(w), u16(h), e]);
}

function setup(bytes: Buffer, decoders = new Map<number, RectDecoder>()) {
  const reader = new ChunkReader();
  reader.feed(bytes);
  const sink: PixelSink = { width: 100, height: 50, putPixels: vi.fn(), fillRect: vi.fn(), copyRect: vi.fn() };
  const events = { resize: vi.fn(), extended: vi.fn(), cursor: vi.fn(), qemu: vi.fn() };
  const ctx: UpdateContext = {
    reader,
    decoders,
    decoderState: createDecoderState(),
    sink: () => sink,
    onDesktopSize: events.resize,
    onExtendedDesktopSize: events.extended,
    onCursor: events.cursor,
    onQemuKeys: events.qemu,
  };
  return { ctx, sink, events };
}

const header = (count: number) => Buffer.concat([Buffer.from([0]), u16(count)]);

describe('readFramebufferUpdate', () => {
  it('draws Raw rectangles in strips, never the whole rectangle at once', async () => {
    const { ctx, sink } = setup(Buffer.concat([header(1), rect(0, 0, 100, 50, 0), Buffer.alloc(100 * 50 * 4, 7)]));
    const changes = await readFramebufferUpdate(ctx);
    expect(changes).toEqual([{ kind: 'pixels', rect: { x: 0, y: 0, width: 100, height: 50 }, encoding: 0 }]);
    const calls = vi.mocked(sink.putPixels).mock.calls;
    expect(calls.reduce((rows, call) => rows + call[3], 0)).toBe(50);
  });

  it('applies CopyRect and reports it in order with the pixels', async () => {
    const { ctx, sink } = setup(Buffer.concat([header(2), rect(0, 0, 1, 1, 0), Buffer.alloc(4), rect(10, 10, 5, 5, 1), u16(0), u16(0)]));
    const changes = await readFramebufferUpdate(ctx);
    expect(changes.map((c) => c.kind)).toEqual(['pixels', 'copy']);
    expect(sink.copyRect).toHaveBeenCalledWith(0, 0, 10, 10, 5, 5);
  });

  it('hands other encodings to the plugged-in decoder with the shared state', async () => {
    const hextile = vi.fn<RectDecoder>(async (reader) => void (await reader.read(3)));
    const { ctx, sink } = setup(Buffer.concat([header(1), rect(1, 2, 3, 4, ENCODING.hextile), Buffer.from([1, 2, 3])]), new Map([[ENCODING.hextile, hextile]]));
    await readFramebufferUpdate(ctx);
    expect(hextile).toHaveBeenCalledWith(ctx.reader, { x: 1, y: 2, width: 3, height: 4 }, sink, ctx.decoderState);
  });

  it('stops at LastRect even when the count says more', async () => {
    const { ctx } = setup(Buffer.concat([header(0xffff), rect(0, 0, 1, 1, 0), Buffer.alloc(4), rect(0, 0, 0, 0, ENCODING.lastRect)]));
    expect(await readFramebufferUpdate(ctx)).toHaveLength(1);
    expect((ctx.reader as ChunkReader).buffered).toBe(0);
  });

  it('reads pseudo-rectangles: DesktopSize, ExtendedDesktopSize with screens, Cursor, QEMU keys', async () => {
    const screen = Buffer.concat([Buffer.from([0, 0, 0, 9]), u16(0), u16(0), u16(640), u16(480), Buffer.alloc(4)]);
    const cursor = Buffer.concat([Buffer.alloc(2 * 2 * 4, 200), Buffer.from([0b1000_0000, 0b0100_0000])]);
    const { ctx, events } = setup(
      Buffer.concat([
        header(4),
        rect(0, 0, 320, 200, ENCODING.desktopSize),
        rect(1, 0, 640, 480, ENCODING.extendedDesktopSize), Buffer.from([1, 0, 0, 0]), screen,
        rect(1, 1, 2, 2, ENCODING.cursor), cursor,
        rect(0, 0, 0, 0, ENCODING.qemuExtendedKey),
      ]),
    );
    expect(await readFramebufferUpdate(ctx)).toEqual([]);
    expect(events.resize).toHaveBeenCalledWith(320, 200);
    expect(events.extended).toHaveBeenCalledWith({ reason: 1, status: 0, width: 640, height: 480, screens: [{ id: 9, x: 0, y: 0, width: 640, height: 480, flags: 0 }] });
    expect(events.cursor).toHaveBeenCalledWith(expect.objectContaining({ hotX: 1, hotY: 1, width: 2, height: 2 }));
    expect(vi.mocked(events.cursor).mock.calls[0]![0].rgba.filter((_: number, i: number) => i % 4 === 3)).toEqual(new Uint8Array([255, 0, 0, 255]));
    expect(events.qemu).toHaveBeenCalled();
  });

  it('does not check the size of a refused SetDesktopSize (it is undefined)', async () => {
    const { ctx, events } = setup(Buffer.concat([header(1), rect(1, 3, 0xffff, 0xffff, ENCODING.extendedDesktopSize), Buffer.from([0, 0, 0, 0])]));
    await readFramebufferUpdate(ctx);
    expect(events.extended).toHaveBeenCalledWith(expect.objectContaining({ reason: 1, status: 3 }));
  });
});
