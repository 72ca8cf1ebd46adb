// Opens a VNC desktop for a session: resolve, connect, authenticate, then the RFB connection as a DesktopConnection.
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect, isIP, type Socket } from 'node:net';
import { Framebuffer } from '../../guac/framebuffer.js';
import type { DesktopConnection, DisplayChange, OpenDesktop, OpenDesktopRequest } from '../../sessions/desktop-connection.js';
import { DesktopTimeoutError } from '../../sessions/desktop-failure.js';
import { ENCODING, type RectDecoder } from './encodings/decoder.js';
import { decodeHextile } from './encodings/hextile.js';
import { decodeTight } from './encodings/tight.js';
import { decodeZrle } from './encodings/zrle.js';
import { connectRfb } from './rfb-client.js';

const DECODERS: ReadonlyMap<number, RectDecoder> = new Map([
  [ENCODING.tight, decodeTight],
  [ENCODING.zrle, decodeZrle],
  [ENCODING.hextile, decodeHextile],
]);

const systemLookup = (name: string) => dnsLookup(name).then((r) => r.address);

function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const onAbort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}

export const openVncDesktop: OpenDesktop = async (req: OpenDesktopRequest): Promise<DesktopConnection> => {
  const { host } = req;
  // One deadline for resolving, connecting and the handshake; a server that accepts and says nothing must not hang the page.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DesktopTimeoutError(`${host.name} did not complete the VNC handshake within ${Math.round(req.connectTimeoutMs / 1000)} s`)), req.connectTimeoutMs);
  const signal = AbortSignal.any([req.signal, deadline.signal]);
  let socket: Socket | undefined;
  try {
    req.stage('resolving');
    const address = isIP(host.address) ? host.address : await (req.lookup ?? systemLookup)(host.address);
    signal.throwIfAborted();
    req.stage('connecting');
    socket = await tcpConnect(address, host.port, signal);
    const connected = socket;
    const onAbort = () => connected.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.stage('authenticating');
    let framebuffer: Framebuffer | undefined;
    const credential = host.credential;
    const rfb = await connectRfb({
      socket: connected,
      password: credential.method === 'password' ? credential.password : undefined,
      username: host.username || undefined,
      // Shared: a person opening the desktop must not throw out whoever else is watching it.
      shared: true,
      sink: (width, height) => {
        if (framebuffer) framebuffer.resize(width, height);
        else framebuffer = new Framebuffer(width, height);
        return framebuffer;
      },
      decoders: DECODERS,
    }).catch((error: unknown) => {
      throw signal.aborted && signal.reason instanceof DesktopTimeoutError ? signal.reason : error;
    });
    signal.removeEventListener('abort', onAbort);
    req.stage('starting');
    const fb = framebuffer!;
    let firstUpdate = true;
    rfb.events.on('update', (changes) => {
      if (firstUpdate) {
        firstUpdate = false;
        // Servers announce ExtendedDesktopSize in their first update; only then can we ask for the browser's size.
        if (req.width !== fb.width || req.height !== fb.height) rfb.setDesktopSize(req.width, req.height);
      }
      const out: DisplayChange[] = changes.map((c) =>
        c.kind === 'copy'
          ? { kind: 'copy', op: { sx: c.fromX, sy: c.fromY, dx: c.rect.x, dy: c.rect.y, width: c.rect.width, height: c.rect.height } }
          : { kind: 'damage', rect: c.rect },
      );
      if (out.length) req.events.changes(out);
      // Continuous updates the RFB 3.8 way: ask again as soon as one arrives.
      rfb.requestUpdate(true);
    });
    rfb.events.on('resize', () => req.events.changes([{ kind: 'resize' }]));
    rfb.events.on('cursor', (cursor) => req.events.cursor(cursor));
    rfb.events.on('clipboard', (text) => req.events.clipboard(text));
    rfb.events.once('close', (error) => req.events.closed(error));
    // Follow the browser's size where the server allows it (Xvnc does; x11vnc and QEMU do not): see the first update above.
    rfb.requestUpdate(false);
    return {
      get framebuffer() {
        return fb;
      },
      name: rfb.name,
      key: (keysym, down) => rfb.key(keysym, down),
      pointer: (x, y, buttons) => rfb.pointer(x, y, buttons),
      clipboard: (text) => rfb.clipboard(text),
      resize: (width, height) => rfb.setDesktopSize(width, height),
      close: () => rfb.close(),
    };
  } catch (error) {
    socket?.destroy();
    if (signal.aborted && signal.reason instanceof DesktopTimeoutError) throw signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
};
