// Counts output bytes xterm.js has parsed and says when to acknowledge them (the client half of flow control; pure).
import { FLOW_ACK_EVERY_BYTES } from '../../shared/limits';

/**
 * The server stops reading from the host once too many bytes are unacknowledged
 * (FLOW_HIGH_WATERMARK_BYTES). We acknowledge only what xterm.js has actually parsed, so a
 * fast producer is paced by the speed of this tab instead of flooding its memory.
 */
export class AckCounter {
  private pending = 0;

  constructor(private readonly every: number = FLOW_ACK_EVERY_BYTES) {
    if (!Number.isInteger(every) || every <= 0) throw new RangeError(`every must be a positive integer, got ${every}`);
  }

  /** Records `bytes` more parsed bytes; returns the count to acknowledge now, or 0 to wait. */
  parsed(bytes: number): number {
    this.pending += bytes;
    if (this.pending < this.every) return 0;
    const ack = this.pending;
    this.pending = 0;
    return ack;
  }

  /** Bytes parsed but not yet acknowledged. */
  get unacknowledged(): number {
    return this.pending;
  }

  /** A new connection starts a new count on the server, so it starts one here too. */
  reset(): void {
    this.pending = 0;
  }
}
