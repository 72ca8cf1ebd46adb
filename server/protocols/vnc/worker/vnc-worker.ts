// A VNC connection's thread: the RFB client and every decoder run here, so a busy desktop never stalls the gateway's event loop.
import type { Socket } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { Framebuffer } from '../../../guac/framebuffer.js';
import { ENCODING, type RectDecoder } from '../encodings/decoder.js';
import { decodeHextile } from '../encodings/hextile.js';
import { decodeTight } from '../encodings/tight.js';
import { decodeZrle } from '../encodings/zrle.js';
import { toRfbError } from '../errors.js';
import { connectRfb } from '../rfb-client.js';
import { BridgeSocket } from './bridge-socket.js';
import type { FromWorker, ToWorker, WorkerChange, WorkerInit } from './messages.js';

const DECODERS: ReadonlyMap<number, RectDecoder> = new Map([
  [ENCODING.tight, decodeTight],
  [ENCODING.zrle, decodeZrle],
  [ENCODING.hextile, decodeHextile],
]);

const port = parentPort!;
let init: WorkerInit | undefined;
const send = (message: FromWorker) => port.postMessage(message);
const socket = new BridgeSocket(port);

let framebuffer: Framebuffer | undefined;
let closed = false;
let connection: Awaited<ReturnType<typeof connectRfb>> | undefined;
const early: ToWorker[] = [];
let certificateAnswer: ((accept: boolean) => void) | undefined;

/** Pixels live in shared memory: the main thread crops frames from it without a copy crossing threads. */
function sink(width: number, height: number): Framebuffer {
  const next = new Framebuffer(width, height, new SharedArrayBuffer(width * height * 4), framebuffer?.sequence);
  if (framebuffer) {
    // Keep what overlaps so a resize does not flash black before the server repaints.
    const rows = Math.min(height, framebuffer.height);
    const rowBytes = Math.min(width, framebuffer.width) * 4;
    for (let y = 0; y < rows; y++) next.data.set(framebuffer.data.subarray(y * framebuffer.width * 4, y * framebuffer.width * 4 + rowBytes), y * width * 4);
    send({ type: 'resized', width, height, buffer: next.data.buffer as SharedArrayBuffer });
  }
  framebuffer = next;
  return next;
}

function finish(error?: unknown): void {
  if (closed) return;
  closed = true;
  const failure = error === undefined ? undefined : toRfbError(error);
  send({ type: 'closed', error: failure && { kind: failure.kind, message: failure.message } });
  socket.destroy();
  port.close();
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'init':
      if (init) throw new Error('init sent twice');
      init = message.init;
      main().catch(finish);
      return;
    case 'data':
      return socket.deliver(message.data);
    case 'end':
      return socket.deliverEnd();
    case 'close':
      connection?.close();
      return finish();
    case 'certificate-answer':
      certificateAnswer?.(message.accept);
      certificateAnswer = undefined;
      return;
  }
  if (!connection) {
    early.push(message); // input before the handshake finished is replayed once it has
    return;
  }
  switch (message.type) {
    case 'key':
      return connection.key(message.keysym, message.down);
    case 'pointer':
      return connection.pointer(message.x, message.y, message.buttons);
    case 'clipboard':
      connection.clipboard(message.text);
      return;
    case 'resize':
      connection.setDesktopSize(message.width, message.height);
      return;
  }
}

port.on('message', (message: ToWorker) => {
  try {
    handle(message);
  } catch (error) {
    finish(error);
  }
});

async function main(): Promise<void> {
  const { password, username, width, height, requireX509 } = init!;
  const rfb = await connectRfb({
    socket: socket as unknown as Socket,
    password,
    username,
    requireX509,
    shared: true,
    sink,
    decoders: DECODERS,
    // The store of pinned keys lives on the main thread: ask it, and wait for the verdict.
    onTlsCertificate: (cert) =>
      new Promise<boolean>((resolve) => {
        certificateAnswer = resolve;
        send({ type: 'certificate', fingerprint256: cert.fingerprint256, subject: cert.subject });
      }),
  });
  connection = rfb;
  let firstUpdate = true;
  rfb.events.on('update', (changes) => {
    if (firstUpdate) {
      firstUpdate = false;
      // Servers announce ExtendedDesktopSize in their first update; only then can we ask for the browser's size.
      if (width !== framebuffer!.width || height !== framebuffer!.height) rfb.setDesktopSize(width, height);
    }
    const out: WorkerChange[] = changes.map((c) =>
      c.kind === 'copy'
        ? { kind: 'copy', op: { sx: c.fromX, sy: c.fromY, dx: c.rect.x, dy: c.rect.y, width: c.rect.width, height: c.rect.height } }
        : { kind: 'damage', rect: c.rect },
    );
    const sequence = framebuffer!.endUpdate();
    if (out.length) send({ type: 'changes', changes: out, sequence });
    // Continuous updates the RFB 3.8 way: ask again as soon as one arrives.
    rfb.requestUpdate(true);
  });
  rfb.events.on('cursor', (cursor) => send({ type: 'cursor', cursor }));
  rfb.events.on('clipboard', (text) => send({ type: 'clipboard', text }));
  rfb.events.once('close', (error) => finish(error));
  send({ type: 'ready', name: rfb.name, width: framebuffer!.width, height: framebuffer!.height, buffer: framebuffer!.data.buffer as SharedArrayBuffer, sequence: framebuffer!.sequence });
  for (const message of early.splice(0)) handle(message);
  rfb.requestUpdate(false);
}

// The worker idles until `init` arrives (see worker-pool.ts).
