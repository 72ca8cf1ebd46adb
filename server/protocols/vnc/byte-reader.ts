// A ByteReader fed by socket chunks: pull-style reads for the protocol code, push-style feeding from the socket.
import type { ByteReader } from './encodings/types.js';
import { RfbError } from './errors.js';
import { MAX_READ_BYTES, READ_AHEAD_BYTES } from './limits.js';

export interface ChunkReaderOptions {
  /** Largest single read(); larger requests reject (a server cannot make us allocate more). */
  maxRead?: number;
  /** Called when more than `readAhead` bytes wait unread, and again once they are consumed: wire to socket pause/resume. */
  pause?: () => void;
  resume?: () => void;
  readAhead?: number;
}

interface PendingRead {
  length: number;
  resolve: (data: Buffer) => void;
  reject: (error: Error) => void;
}

/**
 * Chunks are queued as they arrive and sliced on demand: a read within one chunk is a zero-copy view,
 * a read across chunks copies once. Nothing is ever re-concatenated, so feeding is O(bytes).
 * One read at a time: RFB is strictly sequential, and a second concurrent read is a bug.
 */
export class ChunkReader implements ByteReader {
  private readonly chunks: Buffer[] = [];
  private offset = 0; // into chunks[0]
  private available = 0;
  private pending: PendingRead | undefined;
  private ended: Error | undefined;
  private paused = false;
  private readonly maxRead: number;
  private readonly readAhead: number;

  constructor(private readonly options: ChunkReaderOptions = {}) {
    this.maxRead = options.maxRead ?? MAX_READ_BYTES;
    this.readAhead = options.readAhead ?? READ_AHEAD_BYTES;
  }

  /** Bytes received and not yet read. */
  get buffered(): number {
    return this.available;
  }

  feed(chunk: Buffer): void {
    if (this.ended || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
    const pending = this.pending;
    if (pending && this.available >= pending.length) {
      this.pending = undefined;
      pending.resolve(this.take(pending.length));
    }
    if (!this.paused && this.available > this.readAhead && this.options.pause) {
      this.paused = true;
      this.options.pause();
    }
  }

  /** No more data: a read that cannot be served from what is buffered rejects with `error`. */
  end(error: Error): void {
    if (this.ended) return;
    this.ended = error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  read(length: number): Promise<Buffer> {
    if (!Number.isInteger(length) || length < 0) return Promise.reject(new RangeError(`read length must be a natural number, got ${length}`));
    if (length > this.maxRead) {
      return Promise.reject(new RfbError('protocol', `the server asked the gateway to read ${length} bytes at once (limit ${this.maxRead})`));
    }
    if (this.pending) return Promise.reject(new Error('ChunkReader: a read is already pending (reads must be awaited one at a time)'));
    if (this.available >= length) return Promise.resolve(this.take(length));
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => (this.pending = { length, resolve, reject }));
  }

  u8(): Promise<number> {
    return this.number(1, (b, at) => b.readUInt8(at));
  }

  u16(): Promise<number> {
    return this.number(2, (b, at) => b.readUInt16BE(at));
  }

  u32(): Promise<number> {
    return this.number(4, (b, at) => b.readUInt32BE(at));
  }

  s32(): Promise<number> {
    return this.number(4, (b, at) => b.readInt32BE(at));
  }

  /** Skips `length` bytes without holding them all at once. */
  async skip(length: number): Promise<void> {
    for (let left = length; left > 0; ) {
      const step = Math.min(left, 64 * 1024);
      await this.read(step);
      left -= step;
    }
  }

  /** Numbers inside the first chunk are read in place: tile decoders read millions of them. */
  private number(size: number, get: (chunk: Buffer, at: number) => number): Promise<number> {
    const first = this.chunks[0];
    if (!this.pending && first && first.length - this.offset >= size) {
      const value = get(first, this.offset);
      this.take(size);
      return Promise.resolve(value);
    }
    return this.read(size).then((data) => get(data, 0));
  }

  private take(length: number): Buffer {
    this.available -= length;
    const first = this.chunks[0];
    let result: Buffer;
    if (length === 0) {
      result = Buffer.alloc(0);
    } else if (first && first.length - this.offset >= length) {
      result = first.subarray(this.offset, this.offset + length);
      this.offset += length;
      if (this.offset === first.length) this.dropFirst();
    } else {
      result = Buffer.allocUnsafe(length);
      for (let filled = 0; filled < length; ) {
        const chunk = this.chunks[0]!;
        const n = Math.min(length - filled, chunk.length - this.offset);
        chunk.copy(result, filled, this.offset, this.offset + n);
        filled += n;
        this.offset += n;
        if (this.offset === chunk.length) this.dropFirst();
      }
    }
    if (this.paused && this.available <= this.readAhead / 2) {
      this.paused = false;
      this.options.resume?.();
    }
    return result;
  }

  private dropFirst(): void {
    // shift() on a short queue is cheap; the queue holds at most read-ahead worth of socket chunks.
    this.chunks.shift();
    this.offset = 0;
  }
}
