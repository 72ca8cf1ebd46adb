// A tiny SOCKS5 proxy (RFC 1928: no auth, CONNECT only) so a browser context can reach the server under test from a chosen loopback source address.
import { BlockList, connect, createServer, isIP, isIPv4, SocketAddress, type Socket } from 'node:net';

export interface Socks5ProxyOptions {
  /** Where to actually connect for a requested host:port; must return a loopback address (tests never leave the machine). */
  route(host: string, port: number): { host: string; port: number } | undefined;
  /** Source address of outgoing connections, e.g. '127.0.0.2'. */
  localAddress?: string;
}

export interface Socks5Proxy {
  port: number;
  /** socks5://127.0.0.1:PORT, ready for playwright's `proxy.server`. */
  url: string;
  /** CONNECT requests tunnelled so far, so a test can prove its traffic really went through the proxy. */
  readonly connections: number;
  /** Destroys every live connection and stops listening. */
  close(): Promise<void>;
}

const VERSION = 0x05;
const METHOD_NO_AUTH = 0x00;
const METHOD_NONE_ACCEPTABLE = 0xff;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

const REPLY = {
  succeeded: 0x00,
  generalFailure: 0x01,
  notAllowed: 0x02,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

// RFC 1928 says the server must close "shortly after" a failure reply; this bounds how long a silent client keeps it open.
const FAILURE_LINGER_MS = 1_000;

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** A route that must not be followed; reported to the client as 0x02 "connection not allowed by ruleset". */
class RouteRefused extends Error {}

function isLoopbackIp(host: string): boolean {
  const family = isIP(host);
  if (family === 0) return false; // A name could resolve anywhere; tests must route to literal loopback IPs.
  return loopback.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

interface ConnectRequest {
  cmd: number;
  host: string;
  port: number;
  /** Bytes of the buffer the request used up; anything after it is early tunnel data. */
  length: number;
}

type Parsed<T> = { kind: 'incomplete' } | { kind: 'bad-version' } | { kind: 'bad-atyp' } | ({ kind: 'ok' } & T);

function parseGreeting(buf: Buffer): Parsed<{ methods: number[]; length: number }> {
  if (buf.length < 2) return { kind: 'incomplete' };
  if (buf[0] !== VERSION) return { kind: 'bad-version' };
  const length = 2 + buf[1]!;
  if (buf.length < length) return { kind: 'incomplete' };
  return { kind: 'ok', methods: [...buf.subarray(2, length)], length };
}

function parseRequest(buf: Buffer): Parsed<ConnectRequest> {
  if (buf.length < 5) return { kind: 'incomplete' };
  if (buf[0] !== VERSION) return { kind: 'bad-version' };
  const cmd = buf[1]!;
  const atyp = buf[3]!;
  let host: string;
  let offset: number;
  if (atyp === ATYP_IPV4) {
    if (buf.length < 4 + 4 + 2) return { kind: 'incomplete' };
    host = [...buf.subarray(4, 8)].join('.');
    offset = 8;
  } else if (atyp === ATYP_DOMAIN) {
    const nameLength = buf[4]!;
    if (buf.length < 5 + nameLength + 2) return { kind: 'incomplete' };
    host = buf.subarray(5, 5 + nameLength).toString('latin1');
    offset = 5 + nameLength;
  } else if (atyp === ATYP_IPV6) {
    if (buf.length < 4 + 16 + 2) return { kind: 'incomplete' };
    const groups: string[] = [];
    for (let i = 4; i < 20; i += 2) groups.push(buf.readUInt16BE(i).toString(16));
    // Canonical (compressed) form, so route() sees '::1' rather than '0:0:0:0:0:0:0:1'.
    host = new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
    offset = 20;
  } else {
    return { kind: 'bad-atyp' };
  }
  return { kind: 'ok', cmd, host, port: buf.readUInt16BE(offset), length: offset + 2 };
}

function ipv6Bytes(address: string): Buffer {
  let text = address.replace(/%.*$/, ''); // The zone id is not part of the wire address.
  // A dotted IPv4 tail (e.g. ::ffff:127.0.0.1) is rewritten as the two hex groups it stands for.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groupsOf = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = groupsOf(head);
  const back = tail === undefined ? [] : groupsOf(tail);
  const zeros = tail === undefined ? [] : Array<number>(8 - front.length - back.length).fill(0);
  const bytes = Buffer.alloc(16);
  [...front, ...zeros, ...back].forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return bytes;
}

function reply(code: number, address = '0.0.0.0', port = 0): Buffer {
  const addr = isIPv4(address) ? Buffer.from([ATYP_IPV4, ...address.split('.').map(Number)]) : Buffer.concat([Buffer.from([ATYP_IPV6]), ipv6Bytes(address)]);
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16BE(port);
  return Buffer.concat([Buffer.from([VERSION, code, 0x00]), addr, portBytes]);
}

function replyCodeFor(error: NodeJS.ErrnoException): number {
  switch (error.code) {
    case 'ECONNREFUSED':
      return REPLY.connectionRefused;
    case 'ENETUNREACH':
      return REPLY.networkUnreachable;
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return REPLY.hostUnreachable;
    default:
      return REPLY.generalFailure;
  }
}

export async function startSocks5Proxy(options: Socks5ProxyOptions): Promise<Socks5Proxy> {
  const live = new Set<Socket>();
  let connections = 0;

  function track(socket: Socket): void {
    live.add(socket);
    socket.once('close', () => live.delete(socket));
  }

  /** Resolves the route and refuses anything that would leave the loopback interface. */
  function connectTarget(host: string, port: number): Socket {
    const target = options.route(host, port);
    if (!target) throw new RouteRefused(`no route for ${host}:${port}`);
    if (!isLoopbackIp(target.host)) throw new RouteRefused(`route for ${host}:${port} goes to ${target.host}, which is not a loopback IP`);
    // Half-open on both ends so a client's FIN does not cut off a response still on its way back.
    return connect({ host: target.host, port: target.port, localAddress: options.localAddress, allowHalfOpen: true });
  }

  function handle(client: Socket): void {
    track(client);
    let buffered = Buffer.alloc(0);
    let stage: 'greeting' | 'request' | 'connecting' | 'tunnel' | 'failed' = 'greeting';

    client.on('error', () => client.destroy());
    // A client that hangs up before the tunnel exists gets nothing more; once tunnelling, the pipes carry its FIN.
    client.on('end', () => {
      if (stage !== 'tunnel' && stage !== 'failed') client.destroy();
    });

    /** Sends a final reply and closes; the half-open socket closes for good once the client's FIN arrives too. */
    const finish = (message: Buffer): void => {
      stage = 'failed';
      client.off('data', onData);
      client.resume(); // Drain whatever else the client sends so its FIN is seen.
      client.end(message);
      setTimeout(() => client.destroy(), FAILURE_LINGER_MS).unref();
    };
    const fail = (code: number): void => finish(reply(code));

    const onData = (chunk: Buffer): void => {
      // Handshake bytes may arrive split across (or merged into) any number of chunks.
      buffered = Buffer.concat([buffered, chunk]);
      if (stage === 'greeting') {
        const greeting = parseGreeting(buffered);
        if (greeting.kind === 'incomplete') return;
        if (greeting.kind !== 'ok') return void client.destroy();
        buffered = buffered.subarray(greeting.length);
        if (!greeting.methods.includes(METHOD_NO_AUTH)) return finish(Buffer.from([VERSION, METHOD_NONE_ACCEPTABLE]));
        client.write(Buffer.from([VERSION, METHOD_NO_AUTH]));
        stage = 'request';
      }
      if (stage === 'request') {
        const request = parseRequest(buffered);
        if (request.kind === 'incomplete') return;
        if (request.kind === 'bad-version') return void client.destroy();
        if (request.kind === 'bad-atyp') return fail(REPLY.addressTypeNotSupported);
        if (request.cmd !== CMD_CONNECT) return fail(REPLY.commandNotSupported);
        stage = 'connecting';
        client.off('data', onData);
        client.pause(); // Hold further bytes until the upstream exists to take them.
        open(client, request, buffered.subarray(request.length), fail, () => (stage = 'tunnel'));
      }
    };
    client.on('data', onData);
  }

  function open(client: Socket, request: ConnectRequest, early: Buffer, fail: (code: number) => void, tunnelling: () => void): void {
    let upstream: Socket;
    try {
      upstream = connectTarget(request.host, request.port);
    } catch (error) {
      return fail(error instanceof RouteRefused ? REPLY.notAllowed : REPLY.generalFailure);
    }
    track(upstream);
    let connected = false;
    const onConnectError = (error: NodeJS.ErrnoException): void => {
      upstream.destroy();
      if (!client.destroyed) fail(replyCodeFor(error));
    };
    upstream.once('error', onConnectError);
    // A clean close has already passed its FIN on through the pipes and must not cut off the other side's unflushed
    // writes; an error (or a client gone before the upstream connected) leaves nothing worth keeping, so both go.
    client.once('close', (hadError) => {
      if (hadError || !connected) upstream.destroy();
    });
    upstream.once('close', (hadError) => {
      if (hadError) client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      upstream.off('error', onConnectError);
      upstream.on('error', () => upstream.destroy());
      if (client.destroyed) return void upstream.destroy();
      connections++;
      tunnelling();
      client.write(reply(REPLY.succeeded, upstream.localAddress, upstream.localPort));
      if (early.length > 0) upstream.write(early);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  const server = createServer({ allowHalfOpen: true }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('socks5 proxy: server has no TCP address');
  const port = address.port;

  return {
    port,
    url: `socks5://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    async close() {
      for (const socket of live) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve())); // A second close() is a no-op, not an error.
    },
  };
}

