// A Duplex in the VNC worker that stands for the real TCP socket on the main thread: bytes and back-pressure travel as messages.
import { Duplex } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import type { FromWorker } from './messages.js';

export class BridgeSocket extends Duplex {
  private paused = false;

  constructor(private readonly port: MessagePort) {
    super({ allowHalfOpen: false });
  }

  /** Bytes the real socket received. */
  deliver(data: Uint8Array): void {
    // push() says false when our reader has enough buffered: hold the real socket until read() asks again.
    if (!this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) && !this.paused) {
      this.paused = true;
      this.send({ type: 'pause' });
    }
  }

  deliverEnd(): void {
    this.push(null);
  }

  /** The RFB wire calls this on real sockets; a bridge has no Nagle to turn off. */
  setNoDelay(): this {
    return this;
  }

  override _read(): void {
    if (this.paused) {
      this.paused = false;
      this.send({ type: 'resume' });
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A copy the main thread owns: the chunk's memory may be reused by the writer.
    this.send({ type: 'write', data: new Uint8Array(chunk) });
    callback();
  }

  private send(message: FromWorker): void {
    this.port.postMessage(message);
  }
}
