// A server-side copy of a terminal's screen (xterm.js headless) so a re-attaching browser gets the current screen at once.
import xtermHeadless from '@xterm/headless';
import xtermSerialize from '@xterm/addon-serialize';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = xtermSerialize;

type Op = Uint8Array | { cols: number; rows: number };
interface Batch {
  ops: Op[];
  lost: boolean;
  startSize: { cols: number; rows: number };
}

export interface ScreenMirrorOptions {
  cols: number;
  rows: number;
  /** Unparsed output kept while streaming; older bytes are dropped (they cannot be on screen anyway). */
  retainBytes?: number;
  /** Parse after the output has been quiet this long. */
  idleMs?: number;
  scrollback?: number;
}

/**
 * Parsing is lazy on purpose: xterm.js parses ~10-60 MB/s in Node, slower than a fast stream. Output is
 * queued raw and parsed only when the stream pauses or a snapshot is asked for; during a bulk stream only
 * the last `retainBytes` are kept, so CPU and memory stay bounded and the screen is still right (a screen
 * holds far less than a megabyte). What can be lost in that case is terminal state set before the window.
 */
export class ScreenMirror {
  private readonly term: InstanceType<typeof Terminal>;
  private readonly serializer = new SerializeAddon();
  private pending: Op[] = [];
  private pendingBytes = 0;
  private lostHistory = false;
  private sizeBeforePending: { cols: number; rows: number };
  private lastFeedAt = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly retainBytes: number;
  private readonly idleMs: number;

  constructor(options: ScreenMirrorOptions) {
    this.term = new Terminal({ cols: options.cols, rows: options.rows, scrollback: options.scrollback ?? 1000, allowProposedApi: true });
    this.term.loadAddon(this.serializer);
    this.sizeBeforePending = { cols: options.cols, rows: options.rows };
    this.retainBytes = options.retainBytes ?? 1024 * 1024;
    this.idleMs = options.idleMs ?? 100;
  }

  /** Raw output waiting to be parsed (bounded by retainBytes). */
  get queuedBytes(): number {
    return this.pendingBytes;
  }

  feed(chunk: Uint8Array): void {
    if (this.disposed) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes > this.retainBytes && this.pending.length > 1) this.dropOldest();
    this.lastFeedAt = Date.now();
    this.idleTimer ??= setTimeout(() => this.onIdleCheck(), this.idleMs);
  }

  resize(cols: number, rows: number): void {
    if (!this.disposed) this.pending.push({ cols, rows });
  }

  /**
   * The current screen (with some scrollback) as escape sequences that redraw it on a reset terminal.
   * The cut is taken synchronously: output fed after this call is not in the snapshot, so a caller that
   * starts buffering live output in the same tick neither loses nor repeats a byte.
   */
  snapshot(scrollbackRows = 500): Promise<{ data: string; cols: number; rows: number }> {
    const result = this.enqueue(this.takePending()).then(() => ({
      data: this.disposed ? '' : this.serializer.serialize({ scrollback: scrollbackRows }),
      cols: this.term.cols,
      rows: this.term.rows,
    }));
    this.chain = result.then(() => undefined);
    return result;
  }

  /** Parses everything queued so far; resolves when the headless terminal reflects it. */
  catchUp(): Promise<void> {
    return this.enqueue(this.takePending());
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.pending = [];
    this.term.dispose();
  }

  private dropOldest(): void {
    const op = this.pending.shift()!;
    if (op instanceof Uint8Array) this.pendingBytes -= op.length;
    else this.sizeBeforePending = op;
    this.lostHistory = true;
  }

  private onIdleCheck(): void {
    this.idleTimer = undefined;
    const quietFor = Date.now() - this.lastFeedAt;
    if (quietFor < this.idleMs) this.idleTimer = setTimeout(() => this.onIdleCheck(), this.idleMs - quietFor);
    else void this.catchUp();
  }

  private takePending(): Batch {
    const batch = { ops: this.pending, lost: this.lostHistory, startSize: this.sizeBeforePending };
    this.pending = [];
    this.pendingBytes = 0;
    this.lostHistory = false;
    for (const op of batch.ops) if (!(op instanceof Uint8Array)) this.sizeBeforePending = op;
    return batch;
  }

  private enqueue(batch: Batch): Promise<void> {
    this.chain = this.chain.then(() => this.apply(batch));
    return this.chain;
  }

  private async apply({ ops, lost, startSize }: Batch): Promise<void> {
    if (this.disposed) return;
    if (lost) {
      this.term.reset();
      this.term.resize(startSize.cols, startSize.rows);
    }
    for (const op of ops) {
      if (op instanceof Uint8Array) this.term.write(op);
      else {
        await this.written();
        if (!this.disposed) this.term.resize(op.cols, op.rows);
      }
    }
    await this.written();
  }

  private written(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }
}
