// A minimal VNC viewer for tests: connects with connectRfb, keeps asking for updates, records what arrives.
import { connect } from 'node:net';
import { connectRfb, type RfbConnectOptions, type RfbConnection, type RfbCursor, type RfbError } from '../../server/protocols/vnc/index.js';
import { MemorySink } from './memory-sink.js';

export interface TestViewer {
  connection: RfbConnection;
  sink(): MemorySink;
  updates(): number;
  cursors: RfbCursor[];
  clipboard: string[];
  resizes: { width: number; height: number }[];
  /** Resolves with the close event's error (undefined for a close() of ours). */
  closed: Promise<RfbError | undefined>;
  waitFor(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

export type ViewerOptions = Omit<RfbConnectOptions, 'socket' | 'sink' | 'shared'> & { shared?: boolean };

/** Connects like connectRfb would from the gateway; rejects as connectRfb does. */
export async function connectTo(target: { host: string; port: number }, options: ViewerOptions = {}, sinks: MemorySink[] = []): Promise<RfbConnection> {
  const socket = connect({ host: target.host, port: target.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return connectRfb({
    shared: true,
    ...options,
    socket,
    sink: (width, height) => {
      const sink = new MemorySink(width, height);
      sinks.push(sink);
      return sink;
    },
  });
}

/** Connected, with a full update requested and an incremental one after every update, as a real viewer does. */
export async function openViewer(target: { host: string; port: number }, options: ViewerOptions = {}): Promise<TestViewer> {
  const sinks: MemorySink[] = [];
  const connection = await connectTo(target, options, sinks);
  let updates = 0;
  const viewer: TestViewer = {
    connection,
    sink: () => sinks.at(-1)!,
    updates: () => updates,
    cursors: [],
    clipboard: [],
    resizes: [],
    closed: new Promise((resolve) => connection.events.once('close', resolve)),
    waitFor: async (what, predicate, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  connection.events.on('update', () => {
    updates++;
    connection.requestUpdate(true);
  });
  connection.events.on('cursor', (cursor) => viewer.cursors.push(cursor));
  connection.events.on('clipboard', (text) => viewer.clipboard.push(text));
  connection.events.on('resize', ({ width, height }) => viewer.resizes.push({ width, height }));
  connection.requestUpdate(false);
  return viewer;
}

/** True once the framebuffer shows `rgb` at (x, y). */
export const shows = (viewer: TestViewer, x: number, y: number, rgb: readonly number[]) => () =>
  viewer.sink().rgb(x, y).every((v, i) => v === rgb[i]);
