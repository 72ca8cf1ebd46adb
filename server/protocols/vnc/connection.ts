// An open RFB session after ServerInit: the server-message loop, input to the server, resize and clipboard state.
import { EventEmitter } from 'node:events';
import {
  ACTION_NOTIFY,
  ACTION_PROVIDE,
  ACTION_REQUEST,
  encodeCaps,
  encodeNotify,
  encodeProvide,
  encodeRequest,
  FORMAT_TEXT,
  parseClipboardPayload,
} from './clipboard.js';
import type { RfbCursor } from './cursor.js';
import { createDecoderState, ENCODING, type RectDecoder } from './encodings/decoder.js';
import type { PixelSink } from './encodings/types.js';
import { RfbError, toRfbError } from './errors.js';
import { readFramebufferUpdate, type ExtendedDesktopSize, type FramebufferChange, type UpdateContext } from './framebuffer-update.js';
import type { ServerInit } from './handshake.js';
import { MAX_CLIPBOARD_BYTES, MAX_FRAMEBUFFER_PIXELS, MAX_FRAMEBUFFER_SIDE } from './limits.js';
import {
  encodeClientCutText,
  encodeKeyEvent,
  encodePointerEvent,
  encodeQemuKeyEvent,
  encodeSetDesktopSize,
  encodeSetEncodings,
  encodeSetPixelFormat,
  encodeUpdateRequest,
  toLatin1,
  type Screen,
} from './messages.js';
import type { RfbWire } from './wire.js';

export interface RfbEvents {
  /** After each complete FramebufferUpdate: every change in the order it was applied to the sink. */
  update: [changes: FramebufferChange[]];
  /** The framebuffer has a new size and a new sink (from the factory); its contents are undefined until redrawn. */
  resize: [size: { width: number; height: number; sink: PixelSink }];
  /** The server turned our SetDesktopSize down (status 1 prohibited, 2 out of resources, 3 invalid layout). */
  'resize-refused': [status: number];
  cursor: [cursor: RfbCursor];
  clipboard: [text: string];
  bell: [];
  /** Once. No error when close() was called; otherwise why the connection ended. */
  close: [error?: RfbError];
}

export type SinkFactory = (width: number, height: number) => PixelSink;

/** Real encodings in order of preference; only those with a decoder are announced. */
const PREFERRED: readonly number[] = [ENCODING.tight, ENCODING.zrle, ENCODING.hextile];
const PSEUDO = [
  ENCODING.desktopSize,
  ENCODING.extendedDesktopSize,
  ENCODING.lastRect,
  ENCODING.cursor,
  ENCODING.qemuExtendedKey,
  ENCODING.extendedClipboard,
];

export class RfbConnection {
  readonly events = new EventEmitter<RfbEvents>();
  readonly name: string;
  private currentSink: PixelSink;
  private screens: Screen[] = [];
  private canSetDesktopSize = false;
  private qemuKeys = false;
  /** The server's extended clipboard actions, once it has sent its caps. */
  private serverClipboard: { actions: number; formats: number } | undefined;
  private localClipboard: string | undefined;
  private closed = false;
  private readonly decoders: ReadonlyMap<number, RectDecoder>;

  constructor(
    private readonly wire: RfbWire,
    init: ServerInit,
    private readonly makeSink: SinkFactory,
    decoders: ReadonlyMap<number, RectDecoder> = new Map(),
  ) {
    this.name = init.name;
    this.decoders = decoders;
    this.currentSink = makeSink(init.width, init.height);
    const real = [...PREFERRED.filter((e) => decoders.has(e)), ...[...decoders.keys()].filter((e) => !PREFERRED.includes(e))];
    wire.write(encodeSetPixelFormat());
    wire.write(encodeSetEncodings([...real, ENCODING.copyRect, ENCODING.raw, ...PSEUDO]));
    // Start reading once the caller has had its turn to attach listeners (it awaits connectRfb first).
    setImmediate(() => void this.run());
  }

  get width(): number {
    return this.currentSink.width;
  }

  get height(): number {
    return this.currentSink.height;
  }

  get sink(): PixelSink {
    return this.currentSink;
  }

  /** What the server has confirmed so far; SetDesktopSize and QEMU keys appear after the first full update. */
  get capabilities(): { setDesktopSize: boolean; qemuKeyEvents: boolean; extendedClipboard: boolean } {
    return { setDesktopSize: this.canSetDesktopSize, qemuKeyEvents: this.qemuKeys, extendedClipboard: this.serverClipboard !== undefined };
  }

  /** Asks for the whole framebuffer (or an area); non-incremental means "send everything, no CopyRect". */
  requestUpdate(incremental: boolean, area = { x: 0, y: 0, width: this.width, height: this.height }): void {
    this.wire.write(encodeUpdateRequest(incremental, area.x, area.y, area.width, area.height));
  }

  /** `scancode` (XT, e.g. 0x1e or 0xe048) is used only where the server confirmed QEMU extended key events. */
  key(keysym: number, down: boolean, scancode?: number): void {
    this.wire.write(this.qemuKeys && scancode ? encodeQemuKeyEvent(keysym, down, scancode) : encodeKeyEvent(keysym, down));
  }

  pointer(x: number, y: number, buttonMask: number): void {
    const clamp = (v: number, size: number) => Math.max(0, Math.min(Math.max(size - 1, 0), Math.round(v)));
    this.wire.write(encodePointerEvent(clamp(x, this.width), clamp(y, this.height), buttonMask));
  }

  /**
   * Offers text as the server's clipboard: UTF-8 via the extended clipboard when the server has it, else
   * Latin-1. Returns false (nothing sent) for text over the 10 MiB limit.
   */
  clipboard(text: string): boolean {
    if (Buffer.byteLength(text) > MAX_CLIPBOARD_BYTES) return false;
    const server = this.serverClipboard;
    if (server && server.formats & FORMAT_TEXT && server.actions & (ACTION_NOTIFY | ACTION_PROVIDE)) {
      this.localClipboard = text;
      // Notify lets the server fetch the text only when an application pastes; provide pushes it now.
      const payload = server.actions & ACTION_NOTIFY ? encodeNotify(FORMAT_TEXT) : encodeProvide(text);
      this.wire.write(encodeClientCutText(payload, true));
      return true;
    }
    this.wire.write(encodeClientCutText(toLatin1(text)));
    return true;
  }

  /**
   * Asks the server for a new framebuffer size (rounded to whole pixels). Returns false, sending nothing,
   * until the server has announced ExtendedDesktopSize, or for a size outside 1..16384.
   */
  setDesktopSize(width: number, height: number): boolean {
    const w = Math.round(width);
    const h = Math.round(height);
    if (!this.canSetDesktopSize || !(w >= 1 && h >= 1 && w <= MAX_FRAMEBUFFER_SIDE && h <= MAX_FRAMEBUFFER_SIDE)) return false;
    // One screen covering the framebuffer, keeping the server's id and flags (the spec asks us to preserve them).
    const first = this.screens[0] ?? { id: 0, flags: 0 };
    this.wire.write(encodeSetDesktopSize(w, h, [{ id: first.id, flags: first.flags, x: 0, y: 0, width: w, height: h }]));
    return true;
  }

  close(): void {
    this.finish(undefined);
  }

  private finish(error: RfbError | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.wire.destroy(error);
    this.events.emit('close', error);
  }

  private async run(): Promise<void> {
    const context = this.updateContext();
    try {
      while (!this.closed) await this.readMessage(context);
    } catch (error) {
      this.finish(toRfbError(error));
    }
  }

  private async readMessage(context: UpdateContext): Promise<void> {
    const { reader } = this.wire;
    const type = await reader.u8();
    switch (type) {
      case 0: {
        const changes = await readFramebufferUpdate(context);
        if (!this.closed) this.events.emit('update', changes);
        return;
      }
      case 1: {
        // SetColourMapEntries: meaningless in our true-colour format, but well-formed; skip it.
        await reader.read(3);
        await reader.read(6 * (await reader.u16()));
        return;
      }
      case 2:
        this.events.emit('bell');
        return;
      case 3:
        return this.readServerCutText();
      default:
        throw new RfbError('protocol', `the VNC server sent message type ${type}, which the gateway does not know`);
    }
  }

  private async readServerCutText(): Promise<void> {
    const { reader } = this.wire;
    await reader.read(3);
    const length = await reader.s32();
    const size = Math.abs(length);
    // A compressed payload can exceed its text by zlib's few bytes of framing; anything more is refused.
    if (size > MAX_CLIPBOARD_BYTES + 1024) throw new RfbError('protocol', `the VNC server sent ${size} bytes of clipboard (limit ${MAX_CLIPBOARD_BYTES})`);
    const body = await reader.read(size);
    if (length >= 0) {
      this.events.emit('clipboard', body.toString('latin1'));
      return;
    }
    const message = parseClipboardPayload(body);
    switch (message.action) {
      case 'caps':
        this.serverClipboard = { actions: message.actions, formats: message.formats };
        this.wire.write(encodeClientCutText(encodeCaps(), true));
        return;
      case 'request':
        if (message.formats & FORMAT_TEXT && this.localClipboard !== undefined) this.wire.write(encodeClientCutText(encodeProvide(this.localClipboard), true));
        return;
      case 'peek':
        this.wire.write(encodeClientCutText(encodeNotify(this.localClipboard !== undefined ? FORMAT_TEXT : 0), true));
        return;
      case 'notify':
        if (message.formats & FORMAT_TEXT && (this.serverClipboard?.actions ?? 0) & ACTION_REQUEST) this.wire.write(encodeClientCutText(encodeRequest(FORMAT_TEXT), true));
        return;
      case 'provide':
        if (message.text !== undefined) this.events.emit('clipboard', message.text);
        return;
    }
  }

  private updateContext(): UpdateContext {
    return {
      reader: this.wire.reader,
      decoders: this.decoders,
      decoderState: createDecoderState(),
      sink: () => this.currentSink,
      onDesktopSize: (width, height) => this.resize(width, height),
      onExtendedDesktopSize: (event) => this.extendedDesktopSize(event),
      onCursor: (cursor) => this.events.emit('cursor', cursor),
      onQemuKeys: () => (this.qemuKeys = true),
    };
  }

  private extendedDesktopSize(event: ExtendedDesktopSize): void {
    this.canSetDesktopSize = true;
    if (event.reason === 1 && event.status !== 0) {
      this.events.emit('resize-refused', event.status);
      return;
    }
    this.screens = event.screens;
    this.resize(event.width, event.height);
  }

  /** Only a real change of size replaces the sink (a layout-only change keeps the pixels, per the spec). */
  private resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    if (width < 1 || height < 1 || width > MAX_FRAMEBUFFER_SIDE || height > MAX_FRAMEBUFFER_SIDE || width * height > MAX_FRAMEBUFFER_PIXELS) {
      throw new RfbError('protocol', `the VNC server resized to ${width}x${height}, beyond the ${MAX_FRAMEBUFFER_PIXELS}-pixel limit`);
    }
    this.currentSink = this.makeSink(width, height);
    this.events.emit('resize', { width, height, sink: this.currentSink });
  }
}
