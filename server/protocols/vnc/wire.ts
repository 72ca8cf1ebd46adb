// The byte stream under an RFB connection: one reader fed by the socket, writes, and the switch to TLS mid-stream (VeNCrypt).
import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { ChunkReader } from './byte-reader.js';
import { RfbError, toRfbError } from './errors.js';

type Stream = Socket | TLSSocket;

export class RfbWire {
  readonly reader: ChunkReader;
  private stream: Stream;
  private closed = false;
  private readonly onData = (chunk: Buffer) => this.reader.feed(chunk);
  private readonly onEnd = () => this.reader.end(new RfbError('closed', 'the VNC server closed the connection'));
  private readonly onError = (error: Error) => this.reader.end(toRfbError(error));

  constructor(socket: Socket) {
    this.stream = socket;
    this.reader = new ChunkReader({ pause: () => this.stream.pause(), resume: () => this.stream.resume() });
    socket.setNoDelay(true); // key and pointer events are a few bytes each: never wait for Nagle
    this.listen(socket);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(data: Uint8Array): void {
    if (!this.closed && !this.stream.destroyed) this.stream.write(data);
  }

  /**
   * Hands the socket to TLS. The server speaks no further until our ClientHello, so anything still
   * buffered would be a server talking out of turn (or a machine in the middle): refuse it.
   */
  async startTls(options: ConnectionOptions): Promise<TLSSocket> {
    if (this.reader.buffered > 0) throw new RfbError('protocol', 'the VNC server sent data before the TLS handshake');
    const raw = this.stream as Socket;
    this.unlisten(raw);
    raw.on('error', () => {}); // the TLS socket reports failures; this only keeps a late raw error from crashing the process
    const secure = tlsConnect({ ...options, socket: raw });
    this.stream = secure;
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        secure.off('secureConnect', ok);
        reject(new RfbError('protocol', `the TLS handshake with the VNC server failed: ${error.message}`, { cause: error }));
      };
      const ok = () => {
        secure.off('error', fail);
        resolve();
      };
      secure.once('secureConnect', ok);
      secure.once('error', fail);
    });
    this.listen(secure);
    return secure;
  }

  /** Ends the connection from our side; pending and later reads reject with `reason`. */
  destroy(reason: RfbError = new RfbError('closed', 'the gateway closed the VNC connection')): void {
    if (this.closed) return;
    this.closed = true;
    this.reader.end(reason);
    this.stream.destroy();
  }

  private listen(stream: Stream): void {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  private unlisten(stream: Stream): void {
    stream.off('data', this.onData);
    stream.off('end', this.onEnd);
    stream.off('close', this.onEnd);
    stream.off('error', this.onError);
  }
}
