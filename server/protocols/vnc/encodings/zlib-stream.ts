// A synchronous, bounded inflate stream that lives for a whole RFB connection (ZRLE and Tight keep theirs across rects).
import { ZStream, Z_BUF_ERROR, Z_OK, Z_STREAM_END, Z_SYNC_FLUSH, zlibInflate, zlibInflateInit, zlibInflateReset } from 'pako';
import { RfbProtocolError } from './types.js';

const INITIAL_OUTPUT = 64 * 1024;

/**
 * One zlib stream whose dictionary carries over from rect to rect. Servers end each rect's data with a sync flush,
 * so everything a rect's bytes can produce comes out when they are fed; nothing waits for later input.
 * We drive pako's low-level inflate ourselves so output lands in one buffer we own and can cap precisely.
 */
export class ZlibStream {
  private readonly strm = new ZStream();
  private out = new Uint8Array(0);
  private ended = false;

  constructor(private readonly label: string) {
    if (zlibInflateInit(this.strm) !== Z_OK) throw new Error(`${label}: zlib init failed`);
  }

  /** Forgets the dictionary (Tight's compression-control reset bits). */
  reset(): void {
    zlibInflateReset(this.strm);
    this.ended = false;
  }

  /**
   * Inflates all of `input` and returns the output. The view is only valid until the next call on this stream:
   * callers consume it synchronously. Throws RfbProtocolError on corrupt data or on more than `maxOutput` bytes,
   * which is how a zlib bomb is stopped before it costs more than the cap in memory and time.
   */
  inflate(input: Uint8Array, maxOutput: number): Uint8Array {
    if (input.length === 0) return this.out.subarray(0, 0);
    if (this.ended) throw new RfbProtocolError(`${this.label}: data after the end of the zlib stream`);
    const strm = this.strm;
    // One byte of room beyond the cap, so "filled the cap and there is more" is visible as next_out > maxOutput.
    const limit = maxOutput + 1;
    if (this.out.length < Math.min(limit, INITIAL_OUTPUT)) this.out = new Uint8Array(Math.min(limit, INITIAL_OUTPUT));
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    strm.output = this.out as Uint8Array<ArrayBuffer>;
    strm.next_out = 0;
    strm.avail_out = Math.min(this.out.length, limit);
    for (;;) {
      const before = strm.avail_in + strm.avail_out;
      const status = zlibInflate(strm, Z_SYNC_FLUSH);
      if (strm.next_out > maxOutput) {
        throw new RfbProtocolError(`${this.label}: compressed data inflates beyond ${maxOutput} bytes`);
      }
      if (status === Z_STREAM_END) {
        // A server never finishes its stream mid-session; accept what came out, refuse anything later.
        this.ended = true;
        break;
      }
      if (status !== Z_OK && status !== Z_BUF_ERROR) {
        throw new RfbProtocolError(`${this.label}: corrupt zlib data (${strm.msg || status})`);
      }
      if (strm.avail_out === 0) {
        this.grow(limit);
        continue;
      }
      if (strm.avail_in === 0) break;
      // Output room and input left but no progress: inflate is stuck, which valid data never does.
      if (strm.avail_in + strm.avail_out === before) {
        throw new RfbProtocolError(`${this.label}: zlib stream made no progress`);
      }
    }
    const produced = strm.next_out;
    // Drop the reference to the caller's input so a large socket buffer is not kept alive between rects.
    strm.input = EMPTY;
    return this.out.subarray(0, produced);
  }

  private grow(limit: number): void {
    const strm = this.strm;
    const size = Math.min(limit, Math.max(this.out.length * 2, INITIAL_OUTPUT));
    const bigger = new Uint8Array(size);
    bigger.set(this.out.subarray(0, strm.next_out));
    this.out = bigger;
    strm.output = bigger;
    strm.avail_out = size - strm.next_out;
  }
}

const EMPTY = new Uint8Array(0);
