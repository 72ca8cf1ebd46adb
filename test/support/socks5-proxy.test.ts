// Checks the test SOCKS5 proxy with a hand-written client, since browser tests rely on it to fake a source address.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSocks5Proxy, type Socks5Proxy, type Socks5ProxyOptions } from './socks5-proxy.js';

/** Buffers a socket's bytes so the test can read exact lengths, and remembers whether it has closed. */
class Client {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true); // Keep the split writes below as separate segments where the kernel allows.
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => this.waiter?.());
  }

  static async open(port: number): Promise<Client> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Client(socket);
  }

  async read(length: number): Promise<Buffer> {
    while (this.buffered.length < length) {
      if (this.socket.destroyed) throw new Error(`socket closed after ${this.buffered.length} of ${length} bytes`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    const out = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return out;
  }

  /** Writes each piece separately with a pause between, as a slow network would deliver them. */
  async writeSplit(...pieces: number[][]): Promise<void> {
    for (const piece of pieces) {
      this.socket.write(Buffer.from(piece));
      await sleep(15);
    }
  }
}

function portBytes(port: number): number[] {
  return [port >> 8, port & 0xff];
}

function domainRequest(cmd: number, name: string, port: number): number[] {
  return [0x05, cmd, 0x00, 0x03, name.length, ...Buffer.from(name, 'latin1'), ...portBytes(port)];
}

/** Greets with no-auth, expects it accepted, then sends the request split in three and returns the reply's code. */
async function handshake(client: Client, request: number[]): Promise<{ code: number; address: string; port: number }> {
  // Greeting split mid-message, offering a private method (0x80) the proxy must skip over to find no-auth.
  await client.writeSplit([0x05], [0x02, 0x80], [0x00]);
  expect([...(await client.read(2))]).toEqual([0x05, 0x00]);
  await client.writeSplit(request.slice(0, 4), request.slice(4, 7), request.slice(7));
  const head = await client.read(4);
  expect(head[0]).toBe(0x05);
  expect(head[3]).toBe(0x01); // All these replies carry an IPv4 bound address.
  const bound = await client.read(6);
  return { code: head[1]!, address: [...bound.subarray(0, 4)].join('.'), port: bound.readUInt16BE(4) };
}

describe('socks5 test proxy', () => {
  let echo: Server;
  let echoPort: number;
  let peers: string[];
  let echoSockets: Socket[];
  let proxy: Socks5Proxy | undefined;

  beforeEach(async () => {
    peers = [];
    echoSockets = [];
    echo = createServer((socket) => {
      peers.push(socket.remoteAddress ?? '?');
      echoSockets.push(socket);
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    for (const s of echoSockets) s.destroy();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  async function start(route: Socks5ProxyOptions['route']): Promise<Socks5Proxy> {
    proxy = await startSocks5Proxy({ route, localAddress: '127.0.0.2' });
    return proxy;
  }

  const toEcho = (host: string) => (host === 'echo.test' ? { host: '127.0.0.1', port: echoPort } : undefined);

  it('tunnels to the routed target from the chosen source address', async () => {
    const p = await start(toEcho);
    expect(p.url).toBe(`socks5://127.0.0.1:${p.port}`);
    const client = await Client.open(p.port);
    const result = await handshake(client, domainRequest(0x01, 'echo.test', 80));
    expect(result.code).toBe(0x00);
    expect(result.address).toBe('127.0.0.2');
    expect(result.port).toBeGreaterThan(0);
    client.socket.write('hello through socks');
    expect((await client.read(19)).toString()).toBe('hello through socks');
    expect(peers).toEqual(['127.0.0.2']);
    expect(p.connections).toBe(1);
    client.socket.destroy();
  });

  it('passes on bytes sent together with the request', async () => {
    const p = await start(toEcho);
    const client = await Client.open(p.port);
    client.socket.write(Buffer.from([0x05, 0x01, 0x00, ...domainRequest(0x01, 'echo.test', 80), ...Buffer.from('early')]));
    expect([...(await client.read(2))]).toEqual([0x05, 0x00]);
    expect((await client.read(10))[1]).toBe(0x00);
    expect((await client.read(5)).toString()).toBe('early');
    client.socket.destroy();
  });

  it('refuses a route that leaves the loopback interface, and one that does not exist, with 0x02', async () => {
    const p = await start((host) => (host === 'outside.test' ? { host: '10.1.2.3', port: 80 } : undefined));
    for (const name of ['outside.test', 'nowhere.test']) {
      const client = await Client.open(p.port);
      expect((await handshake(client, domainRequest(0x01, name, 80))).code).toBe(0x02);
      await client.closed;
    }
    expect(p.connections).toBe(0);
  });

  it('answers an unsupported command with 0x07', async () => {
    const p = await start(toEcho);
    const client = await Client.open(p.port);
    expect((await handshake(client, domainRequest(0x02 /* BIND */, 'echo.test', 80))).code).toBe(0x07);
    await client.closed;
    expect(peers).toEqual([]);
  });

  it('answers 0x05 when the target refuses the connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const p = await start(() => ({ host: '127.0.0.1', port: deadPort }));
    const client = await Client.open(p.port);
    expect((await handshake(client, domainRequest(0x01, 'dead.test', 80))).code).toBe(0x05);
  });

  it('accepts IPv4 and IPv6 address types and hands route() their text form', async () => {
    const asked: string[] = [];
    const p = await start((host, port) => {
      asked.push(`${host} ${port}`);
      return host === '127.0.0.1' ? { host, port: echoPort } : undefined;
    });
    const v4 = await Client.open(p.port);
    expect((await handshake(v4, [0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, ...portBytes(443)])).code).toBe(0x00);
    const v6 = await Client.open(p.port);
    const loopback6 = [...Array<number>(15).fill(0), 1];
    expect((await handshake(v6, [0x05, 0x01, 0x00, 0x04, ...loopback6, ...portBytes(8443)])).code).toBe(0x02);
    expect(asked).toEqual(['127.0.0.1 443', '::1 8443']);
    v4.socket.destroy();
  });

  it('closes the connection on a wrong protocol version', async () => {
    const p = await start(toEcho);
    const client = await Client.open(p.port);
    client.socket.write(Buffer.from([0x04, 0x01, 0x00]));
    await client.closed;
  });

  it('close() ends live tunnels on both sides', async () => {
    const p = await start(toEcho);
    const client = await Client.open(p.port);
    expect((await handshake(client, domainRequest(0x01, 'echo.test', 80))).code).toBe(0x00);
    client.socket.write('ping');
    expect((await client.read(4)).toString()).toBe('ping');
    const upstreamClosed = new Promise<void>((resolve) => echoSockets[0]!.once('close', () => resolve()));
    await p.close();
    proxy = undefined;
    await client.closed;
    await upstreamClosed;
  });
});
