// Opens a VNC desktop for a session: resolve and connect here, then hand the bytes to a worker thread that speaks RFB.
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect, isIP, type Socket } from 'node:net';
import type { Worker } from 'node:worker_threads';
import { Framebuffer } from '../../guac/framebuffer.js';
import type { DesktopConnection, OpenDesktop, OpenDesktopRequest } from '../../sessions/desktop-connection.js';
import { DesktopTimeoutError } from '../../sessions/desktop-failure.js';
import { RfbAuthError, RfbError, type RfbAuthErrorKind } from './errors.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker/messages.js';
import type { WorkerPool } from './worker/worker-pool.js';

const systemLookup = (name: string) => dnsLookup(name).then((r) => r.address);

const AUTH_KINDS: readonly string[] = ['wrong-password', 'password-required', 'blacklisted', 'unsupported-security', 'server-refused', 'certificate-rejected'];

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

function rebuildError(error: { kind: string; message: string }): RfbError {
  return AUTH_KINDS.includes(error.kind) ? new RfbAuthError(error.kind as RfbAuthErrorKind, error.message) : new RfbError(error.kind as RfbError['kind'], error.message);
}

/** One opener per gateway, with its pool of warm worker threads (closed with the gateway). */
export function createVncOpener(pool: WorkerPool): OpenDesktop {
  return (req) => openVncDesktop(req, pool);
}

async function openVncDesktop(req: OpenDesktopRequest, pool: WorkerPool): Promise<DesktopConnection> {
  const { host } = req;
  // One deadline for resolving, connecting and the handshake; a server that accepts and says nothing must not hang the page.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DesktopTimeoutError(`${host.name} did not complete the VNC handshake within ${Math.round(req.connectTimeoutMs / 1000)} s`)), req.connectTimeoutMs);
  const signal = AbortSignal.any([req.signal, deadline.signal]);
  let socket: Socket | undefined;
  let worker: Worker | undefined;
  try {
    req.stage('resolving');
    const address = isIP(host.address) ? host.address : await (req.lookup ?? systemLookup)(host.address);
    signal.throwIfAborted();
    req.stage('connecting');
    socket = await tcpConnect(address, host.port, signal);
    req.stage('authenticating');
    const credential = host.credential;
    const init: WorkerInit = { password: credential.method === 'password' ? credential.password : undefined, username: host.username || undefined, requireX509: req.certificatePinned, width: req.width, height: req.height };
    const thread = pool.take();
    thread.ref();
    worker = thread;
    const toWorker = (message: ToWorker, transfer?: ArrayBuffer[]) => thread.postMessage(message, transfer);
    toWorker({ type: 'init', init });
    const net = socket;
    net.on('data', (chunk: Buffer) => {
      // A copy the worker can own outright; the socket's buffers are pooled.
      const data = new Uint8Array(chunk);
      toWorker({ type: 'data', data }, [data.buffer as ArrayBuffer]);
    });
    net.on('end', () => toWorker({ type: 'end' }));
    net.on('close', () => toWorker({ type: 'end' }));
    net.on('error', () => toWorker({ type: 'end' }));

    let framebuffer: Framebuffer | undefined;
    let ready: ((fb: Framebuffer, name: string) => void) | undefined;
    let failed: ((error: Error) => void) | undefined;
    let name = '';
    let ended = false;
    let certificateRefusal: string | undefined;
    const end = (error?: Error) => {
      if (ended) return;
      ended = true;
      net.destroy();
      void thread.terminate();
      if (framebuffer) req.events.closed(error);
      else failed?.(error ?? new RfbError('closed', 'the VNC server closed the connection'));
    };
    thread.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'write':
          if (!net.destroyed) net.write(message.data);
          return;
        case 'pause':
          net.pause();
          return;
        case 'resume':
          net.resume();
          return;
        case 'ready':
          framebuffer = new Framebuffer(message.width, message.height, message.buffer, message.sequence);
          name = message.name;
          ready?.(framebuffer, name);
          return;
        case 'resized':
          framebuffer?.adopt(message.width, message.height, message.buffer);
          req.events.changes([{ kind: 'resize' }]);
          return;
        case 'changes':
          req.events.changes(message.changes.map((c) => (c.kind === 'copy' ? { ...c, sequence: message.sequence } : c)));
          return;
        case 'cursor':
          req.events.cursor(message.cursor);
          return;
        case 'clipboard':
          req.events.clipboard(message.text);
          return;
        case 'certificate':
          req.checkCertificate(message.fingerprint256).then(
            (refusal) => {
              if (refusal) certificateRefusal = refusal;
              toWorker({ type: 'certificate-answer', accept: refusal === null });
            },
            () => toWorker({ type: 'certificate-answer', accept: false }),
          );
          return;
        case 'closed':
          // The worker only knows it said no; the words come from the pinned-key check.
          end(message.error && (message.error.kind === 'certificate-rejected' && certificateRefusal ? new RfbAuthError('certificate-rejected', certificateRefusal) : rebuildError(message.error)));
          return;
      }
    });
    thread.on('error', (error) => end(new RfbError('protocol', `the VNC worker failed: ${error.message}`)));
    thread.on('exit', () => end());

    const onAbort = () => end(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const fb = await new Promise<Framebuffer>((resolve, reject) => {
      ready = (f) => resolve(f);
      failed = reject;
    });
    signal.removeEventListener('abort', onAbort);
    req.stage('starting');
    return {
      get framebuffer() {
        return fb;
      },
      name,
      key: (keysym, down) => toWorker({ type: 'key', keysym, down }),
      pointer: (x, y, buttons) => toWorker({ type: 'pointer', x, y, buttons }),
      clipboard: (text) => toWorker({ type: 'clipboard', text }),
      // Whether the server can resize is known in the worker; a refused size just leaves the viewer scaling.
      resize: (width, height) => (toWorker({ type: 'resize', width, height }), true),
      close: () => {
        toWorker({ type: 'close' });
        end();
      },
    };
  } catch (error) {
    socket?.destroy();
    void worker?.terminate();
    if (signal.aborted && signal.reason instanceof DesktopTimeoutError) throw signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
