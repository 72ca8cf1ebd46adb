// One viewer's picture of the remote screen in Guacamole instructions: coalesced frames, copies for moves, paced by the viewer's sync echoes.
import type { Rect } from '../protocols/vnc/encodings/types.js';
import { DirtyRegion } from './dirty-region.js';
import type { Framebuffer } from './framebuffer.js';
import { encodeRgba, encodeRgbx } from './image-encoder.js';
import { encodeInstruction } from './instruction.js';

/** Raw bytes per blob: a multiple of 3 so each blob is valid base64 alone (guacd uses the same). */
const BLOB_RAW_BYTES = 6048;
/** One WebSocket message carries whole instructions up to about this size. */
const MESSAGE_CHARS = 256 * 1024;
/** Frames sent but not yet drawn (sync not echoed) before we stop sending and let changes pile up. */
const MAX_FRAMES_IN_FLIGHT = 2;
/**
 * Mask SRC is canvas "copy", which clears everything outside what is drawn: right for the cursor layer, which is
 * redrawn whole, alpha included. The screen is opaque, so its images and copies go OVER, which changes only their
 * own rectangle (SRC there blanked the rest of the screen at every partial update).
 */
const MASK_SRC = 12;
const MASK_OVER = 14;
/** Queued moves beyond this (a hidden tab that draws nothing) become plain redraws of their destinations. */
const MAX_QUEUED_COPIES = 32;
/** Unsent bytes in the socket above which frames wait (the browser is not reading), and above which it is dropped. */
const SEND_BACKLOG_PAUSE = 8 * 1024 * 1024;
const SEND_BACKLOG_LIMIT = 64 * 1024 * 1024;
const SCREEN = 0;
const CURSOR_LAYER = -1;

export interface CopyOp {
  sx: number;
  sy: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
}

export interface CursorImage {
  hotX: number;
  hotY: number;
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Measured by the stream: what the benchmark and the session's stats report. */
export interface DisplayStats {
  frames: number;
  bytes: number;
  /** Last round trip from sending a frame's sync to its echo, in ms. */
  lagMs: number;
}

export class DisplayStream {
  private dirty = new DirtyRegion();
  private copies: CopyOp[] = [];
  private sizeChanged = true;
  private cursor: CursorImage | null = null;
  private cursorChanged = false;
  private inFlight = new Map<number, number>();
  private encoding = false;
  /** The frame being encoded now, so finish() can wait for it. */
  private current: Promise<void> | null = null;
  private closed = false;
  /** finish() is drawing the last frame: no other frame starts. */
  private finishing = false;
  private nextStream = 1;
  private lastSync = 0;
  /** Framebuffer updates that may be in the pixels last cut for a frame. */
  private croppedSequence = -1;
  private backlogTimer: NodeJS.Timeout | undefined;
  readonly stats: DisplayStats = { frames: 0, bytes: 0, lagMs: 0 };

  constructor(
    private readonly fb: Framebuffer,
    /** Sends one WebSocket text message (whole instructions only). */
    private readonly send: (message: string) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly onError: (error: unknown) => void = () => {},
    /** Bytes sent but not yet written to the network (ws.bufferedAmount). */
    private readonly backlog: () => number = () => 0,
  ) {
    // A new viewer starts with the whole screen: size, every pixel, the cursor, then a sync.
    this.dirty.add({ x: 0, y: 0, width: fb.width, height: fb.height });
    queueMicrotask(() => this.pump());
  }

  /** Pixels in `rect` changed in the framebuffer. */
  damage(rect: Rect): void {
    this.dirty.add(rect);
    this.pump();
  }

  /**
   * The server moved pixels. Sent as a cheap `copy` unless its source is waiting to be redrawn (the
   * viewer's copy would then move stale pixels): then the destination is simply redrawn too.
   */
  copy(op: CopyOp, sequence?: number): void {
    const source = { x: op.sx, y: op.sy, width: op.width, height: op.height };
    const destination = { x: op.dx, y: op.dy, width: op.width, height: op.height };
    // A frame cut after this update started may already show the moved pixels: moving them again would
    // scroll twice, so the destination is redrawn from the framebuffer instead.
    const alreadyCut = sequence !== undefined && sequence <= this.croppedSequence;
    if (alreadyCut || this.dirty.overlaps(source) || this.sizeChanged) this.dirty.add(destination);
    else if (this.copies.length >= MAX_QUEUED_COPIES) {
      for (const queued of this.copies.splice(0)) this.dirty.add({ x: queued.dx, y: queued.dy, width: queued.width, height: queued.height });
      this.dirty.add(destination);
    } else this.copies.push(op);
    this.pump();
  }

  resized(): void {
    this.sizeChanged = true;
    this.copies = [];
    this.dirty.add({ x: 0, y: 0, width: this.fb.width, height: this.fb.height });
    this.pump();
  }

  setCursor(cursor: CursorImage): void {
    this.cursor = cursor;
    this.cursorChanged = true;
    this.pump();
  }

  /** The viewer drew the frame with this timestamp (it echoes our `sync`). */
  syncEchoed(timestamp: number): void {
    const sentAt = this.inFlight.get(timestamp);
    if (sentAt === undefined) return;
    // Every older frame is drawn too (the client draws in order).
    for (const ts of [...this.inFlight.keys()]) if (ts <= timestamp) this.inFlight.delete(ts);
    this.stats.lagMs = this.now() - sentAt;
    this.pump();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.backlogTimer);
  }

  /**
   * Sends whatever changed since the last frame as one last frame, whatever the viewer's pace, then closes.
   * For a recording: the file ends with the screen as it was when the session ended, not a frame or two before.
   */
  async finish(): Promise<void> {
    if (this.closed || this.finishing) return;
    this.finishing = true;
    clearTimeout(this.backlogTimer);
    await this.current?.catch(() => {});
    try {
      if (!this.closed && this.hasWork) await this.frame();
    } catch (error) {
      this.onError(error);
    } finally {
      this.close();
    }
  }

  private get hasWork(): boolean {
    return !this.dirty.isEmpty || this.copies.length > 0 || this.sizeChanged || this.cursorChanged;
  }

  /** Sends a frame when there is something to send, none is being encoded, and the viewer keeps up. */
  private pump(): void {
    if (this.closed || this.finishing || this.encoding || !this.hasWork || this.inFlight.size >= MAX_FRAMES_IN_FLIGHT) return;
    // Sync echoes can be faked by a client that never reads: the socket's own backlog decides too.
    const backlog = this.backlog();
    if (backlog > SEND_BACKLOG_LIMIT) return this.onError(new Error(`the browser stopped reading (${backlog} bytes unsent)`));
    if (backlog > SEND_BACKLOG_PAUSE) {
      this.backlogTimer ??= setTimeout(() => {
        this.backlogTimer = undefined;
        this.pump();
      }, 50);
      return;
    }
    this.encoding = true;
    this.current = this.frame().then(
      () => {
        this.encoding = false;
        this.current = null;
        this.pump();
      },
      (error: unknown) => {
        this.encoding = false;
        this.current = null;
        this.onError(error);
      },
    );
  }

  private async frame(): Promise<void> {
    const { width, height } = this.fb;
    const parts: string[] = [];
    if (this.sizeChanged) parts.push(encodeInstruction('size', SCREEN, width, height));
    this.sizeChanged = false;
    for (const c of this.copies) parts.push(encodeInstruction('copy', SCREEN, c.sx, c.sy, c.width, c.height, MASK_OVER, SCREEN, c.dx, c.dy));
    this.copies = [];
    // Pixels are read now, synchronously: later changes belong to the next frame.
    this.croppedSequence = this.fb.currentSequence();
    const rects = this.dirty.take(width, height);
    const crops = rects.map((r) => ({ rect: r, rgbx: this.fb.cropRgbx(r) }));
    const cursor = this.cursorChanged ? this.cursor : null;
    this.cursorChanged = false;
    // Two images at a time: libuv's few threads also serve DNS and file I/O for every other session.
    const images: Awaited<ReturnType<typeof encodeRgbx>>[] = [];
    for (let i = 0; i < crops.length; i += 2) {
      images.push(...(await Promise.all(crops.slice(i, i + 2).map(({ rect, rgbx }) => encodeRgbx(rgbx, rect.width, rect.height)))));
    }
    const cursorPng = cursor && cursor.width > 0 && cursor.height > 0 ? await encodeRgba(cursor.rgba, cursor.width, cursor.height) : null;
    if (this.closed) return;
    images.forEach((image, i) => this.image(parts, SCREEN, image.mimetype, crops[i]!.rect.x, crops[i]!.rect.y, image.data));
    if (cursor && cursorPng) {
      parts.push(encodeInstruction('size', CURSOR_LAYER, cursor.width, cursor.height));
      this.image(parts, CURSOR_LAYER, 'image/png', 0, 0, cursorPng);
      parts.push(encodeInstruction('cursor', cursor.hotX, cursor.hotY, CURSOR_LAYER, 0, 0, cursor.width, cursor.height));
    }
    // Monotonic and unique per frame, so an echo names exactly one frame.
    const timestamp = Math.max(this.lastSync + 1, Math.floor(this.now()));
    this.lastSync = timestamp;
    parts.push(encodeInstruction('sync', timestamp));
    this.inFlight.set(timestamp, this.now());
    this.stats.frames++;
    this.flush(parts);
  }

  private image(parts: string[], layer: number, mimetype: string, x: number, y: number, data: Buffer): void {
    const stream = this.nextStream;
    this.nextStream = (this.nextStream % 1000) + 1;
    parts.push(encodeInstruction('img', stream, layer === CURSOR_LAYER ? MASK_SRC : MASK_OVER, layer, mimetype, x, y));
    for (let at = 0; at < data.length; at += BLOB_RAW_BYTES) parts.push(encodeInstruction('blob', stream, data.subarray(at, at + BLOB_RAW_BYTES).toString('base64')));
    // `end` before the frame's `sync`: the client decodes the image at `end`, and shows it at `sync`.
    parts.push(encodeInstruction('end', stream));
  }

  private flush(parts: string[]): void {
    let message = '';
    for (const part of parts) {
      if (message.length + part.length > MESSAGE_CHARS && message) {
        this.emit(message);
        message = '';
      }
      message += part;
    }
    if (message) this.emit(message);
  }

  private emit(message: string): void {
    this.stats.bytes += message.length;
    this.send(message);
  }
}

