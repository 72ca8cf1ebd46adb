// Writes one SSH session as asciicast v2: output always, typed input only when the host's policy keeps it.
import { StringDecoder } from 'node:string_decoder';
import { encodeEvent } from './asciicast.js';
import type { DurableAppender } from './durable-appender.js';

export class TerminalRecorder {
  private readonly started = performance.now();
  // Output arrives in arbitrary chunks: a character split across two must not become two replacement marks.
  private readonly output = new StringDecoder('utf8');
  private readonly typed = new StringDecoder('utf8');

  constructor(
    private readonly file: DurableAppender,
    readonly keepsInput: boolean,
  ) {}

  private get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  recordOutput(chunk: Uint8Array): void {
    const text = this.output.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (text) this.file.append(encodeEvent(this.seconds, 'o', text));
  }

  recordInput(chunk: Uint8Array): void {
    if (!this.keepsInput) return;
    const text = this.typed.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (text) this.file.append(encodeEvent(this.seconds, 'i', text));
  }

  recordResize(cols: number, rows: number): void {
    this.file.append(encodeEvent(this.seconds, 'r', `${cols}x${rows}`));
  }
}
