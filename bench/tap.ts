// The output sink every benchmarked terminal feeds: counts bytes, keeps a short text tail, times arrivals (never decodes bulk output).
import { performance } from 'node:perf_hooks';

const TAIL_CHARS = 512;

/** One terminal under test, whatever carries it (Porthole WebSocket, ssh -tt pipes, WeTTY socket.io). */
export interface TerminalPipe {
  readonly name: string;
  readonly tap: Tap;
  /** Types text as keystrokes. */
  send(text: string): void;
  close(): Promise<void>;
}

export class Tap {
  bytes = 0;
  /** Number of chunks (WebSocket messages, socket.io events, pipe reads) delivered. */
  chunks = 0;
  tail = '';
  lastAt = 0;
  /** Called synchronously on the next chunk, with its arrival time (performance.now()) and its text tail. */
  private nextChunk: ((at: number, text: string) => void) | undefined;
  private waiters = new Set<() => void>();

  push(chunk: Buffer | string): void {
    const at = performance.now();
    this.bytes += chunk.length;
    this.chunks++;
    this.lastAt = at;
    const text = typeof chunk === 'string' ? chunk.slice(-TAIL_CHARS) : chunk.subarray(-TAIL_CHARS).toString('latin1');
    this.tail = (this.tail + text).slice(-TAIL_CHARS);
    const next = this.nextChunk;
    this.nextChunk = undefined;
    next?.(at, text);
    for (const wake of this.waiters) wake();
  }

  /** Resolves with the arrival time of the next chunk; rejects after `timeoutMs`. */
  nextArrival(timeoutMs: number): Promise<{ at: number; text: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.nextChunk = undefined;
        reject(new Error(`no output within ${timeoutMs} ms`));
      }, timeoutMs);
      this.nextChunk = (at, text) => {
        clearTimeout(timer);
        resolve({ at, text });
      };
    });
  }

  async waitFor(test: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output tail: ${JSON.stringify(this.tail.slice(-200))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 100));
        this.waiters.add(wake);
      });
    }
  }

  waitForTail(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    return this.waitFor(() => pattern.test(this.tail), `output ${pattern}`, timeoutMs);
  }

  /** Resolves once no output arrived for `quietMs` (bounded by `timeoutMs`). */
  async waitQuiet(quietMs: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (performance.now() - this.lastAt < quietMs && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.max(5, quietMs - (performance.now() - this.lastAt))));
    }
  }
}

/** A shell prompt at the end of the output ("...$ " or "...# "), ignoring a trailing escape sequence. */
export const PROMPT = /[$#] (\x1b\[[0-9;?]*[a-zA-Z])*$/;
