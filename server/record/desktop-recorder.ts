// Writes one desktop session as a Guacamole instruction stream: the same frames a viewer gets, paced by the disk instead of a browser.
import { DisplayStream, type CopyOp, type CursorImage } from '../guac/display-stream.js';
import type { Framebuffer } from '../guac/framebuffer.js';
import { encodeInstruction } from '../guac/instruction.js';
import type { Rect } from '../protocols/vnc/encodings/types.js';
import type { DurableAppender } from './durable-appender.js';

/** The frame's closing instruction: `4.sync,<n>.<timestamp>;` (DisplayStream ends every frame with it). */
const TRAILING_SYNC = /4\.sync,\d+\.(\d+);$/;

export class DesktopRecorder {
  private display: DisplayStream | null = null;
  private closed = false;

  constructor(
    private readonly file: DurableAppender,
    /** Key and mouse events too (the host's policy; off by default, passwords are typed on desktops as well). */
    readonly keepsInput: boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * The desktop shows its first pixels: from here on every frame is recorded. Timestamps are wall-clock
   * milliseconds, so a recording's times can be matched against the audit log.
   */
  start(fb: Framebuffer, cursor: CursorImage | null): void {
    if (this.display || this.closed) return;
    this.display = new DisplayStream(fb, (message) => this.write(message), Date.now, this.onError, () => this.file.backlog);
    if (cursor) this.display.setCursor(cursor);
  }

  damage(rect: Rect): void {
    this.display?.damage(rect);
  }

  copy(op: CopyOp, sequence?: number): void {
    this.display?.copy(op, sequence);
  }

  resized(): void {
    this.display?.resized();
  }

  setCursor(cursor: CursorImage): void {
    this.display?.setCursor(cursor);
  }

  key(keysym: number, pressed: boolean): void {
    if (this.keepsInput && this.display) this.file.append(encodeInstruction('key', keysym, pressed ? 1 : 0, Date.now()));
  }

  pointer(x: number, y: number, mask: number): void {
    if (this.keepsInput && this.display) this.file.append(encodeInstruction('mouse', x, y, mask, Date.now()));
  }

  /** The session ended: its last changes are written as a final frame, then nothing more. */
  async finish(): Promise<void> {
    if (this.closed) return;
    // Marked closed first, so a disk echo arriving meanwhile starts no other frame.
    this.closed = true;
    await this.display?.finish();
  }

  /** The recording failed: nothing more is written. */
  close(): void {
    this.closed = true;
    this.display?.close();
  }

  private write(message: string): void {
    this.file.append(message);
    // The "viewer" has drawn the frame once it is written: the next frame waits for the disk, not a timer.
    const sync = TRAILING_SYNC.exec(message.slice(-40));
    if (sync) void this.file.drained().then(() => !this.closed && this.display?.syncEchoed(Number(sync[1])));
  }
}
