// Resumes a paused stream in bounded slices per event-loop turn, so one session's backlog never stalls the others.
import type { Readable } from 'node:stream';

const SLICE_BYTES = 64 * 1024;
const TURN_BUDGET_BYTES = 256 * 1024;

/**
 * While flow control held an SSH channel paused, ssh2 kept buffering up to its 2 MiB window. A plain
 * `resume()` would emit all of it in one synchronous burst (tens of milliseconds of other sessions'
 * keystrokes waiting); this hands it over 256 KiB per turn instead and only then lets the stream flow.
 * `mayContinue` is asked before every slice: flow control can pause again half way.
 */
export class PacedResumer {
  private draining = false;

  constructor(
    private readonly stream: Readable,
    private readonly mayContinue: () => boolean,
  ) {}

  resume(): void {
    if (this.draining) return;
    this.draining = true;
    this.step();
  }

  private step = (): void => {
    if (!this.mayContinue() || this.stream.destroyed) {
      this.draining = false;
      return;
    }
    // read() emits 'data' for what it returns, so the stream's own listeners forward every slice.
    for (let budget = TURN_BUDGET_BYTES; budget > 0 && this.stream.readableLength > 0; ) {
      if (!this.mayContinue()) {
        this.draining = false;
        return;
      }
      const chunk = this.stream.read(Math.min(SLICE_BYTES, this.stream.readableLength)) as Buffer | null;
      if (!chunk) break;
      budget -= chunk.length;
    }
    if (this.stream.readableLength > 0) {
      setImmediate(this.step);
      return;
    }
    this.draining = false;
    if (this.mayContinue()) this.stream.resume();
  };
}
