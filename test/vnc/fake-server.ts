// A scripted RFB "server" on 127.0.0.1 for hostile-input tests: it writes prepared bytes and records what the client sent.
import { createServer, type Socket } from 'node:net';

export interface FakeServer {
  host: '127.0.0.1';
  port: number;
  /** Everything the (last) client sent. */
  received(): Buffer;
  /** Resolves once the client has sent at least `length` bytes. */
  receivedAtLeast(length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Writes `bytes` to every client at once; `then: 'end'` closes the stream after them (a truncated message). */
export async function fakeRfbServer(bytes: Buffer, then: 'end' | 'hold' = 'hold'): Promise<FakeServer> {
  let received = Buffer.alloc(0);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {}); // the client hangs up on malformed input: that is the point
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => (received = Buffer.concat([received, chunk])));
    socket.write(bytes);
    if (then === 'end') socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
    received: () => received,
    receivedAtLeast: async (length) => {
      while (received.length < length) await new Promise((r) => setTimeout(r, 5));
      return received;
    },
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

// Wire builders, big-endian as RFB is.
export const u8 = (...values: number[]) => Buffer.from(values);
export const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}
export function s32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}
export const text = (s: string) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);

/** RFB 3.8, one security type (None), SecurityResult OK. */
export const NONE_38 = Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 1), u32(0)]);

/** ServerInit with a 32-bit true-colour pixel format; `nameLength` lets a test lie about the name. */
export function serverInit(width: number, height: number, name = 'fake', nameLength = Buffer.byteLength(name)): Buffer {
  const format = Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
  return Buffer.concat([u16(width), u16(height), format, u32(nameLength), Buffer.from(name)]);
}

export const updateHeader = (rects: number) => Buffer.concat([u8(0, 0), u16(rects)]);
export const rectHeader = (x: number, y: number, w: number, h: number, encoding: number) =>
  Buffer.concat([u16(x), u16(y), u16(w), u16(h), s32(encoding)]);
