// What the desktop benchmark runs inside the browser page (an init script, before any page script) and its Node-side handles:
// WebSocket byte counters, the first-frame watch, keydown times, and a canvas-region change detector.
import type { BrowserContext, Page } from 'playwright-core';
import type { Rect } from './desktop-xvnc.js';

export interface ProbeOptions {
  /** The remote screen's canvas (native resolution, whatever CSS scale the page applies). */
  selector: string;
  /** A point of the remote screen, and the colour it shows once the first frame is drawn. */
  x: number;
  y: number;
  rgb: [number, number, number];
}

export interface SocketInfo {
  url: string;
  protocol: string;
  extensions: string;
  createdAt: number;
  openAt: number;
}

export interface Counters {
  /** Payload bytes of every WebSocket message received / sent by the page (text as UTF-8, binary as is). */
  rxBytes: number;
  rxMessages: number;
  txBytes: number;
  txMessages: number;
  sockets: SocketInfo[];
}

export interface FirstFrame {
  /** performance.now() (ms since navigation start) of the first animation frame showing the colour, and of the first 4 ms poll that saw it. */
  frameAt: number;
  pollAt: number;
  /** DOMContentLoaded done (the page's scripts ran), when the page created its first WebSocket, and when that opened. */
  loadedAt: number;
  socketAt: number;
  socketOpenAt: number;
  /** Arrival of the last WebSocket message of 64 bytes or more (not a ping's answer) before the colour was first seen: the data the first frame was drawn from. */
  dataAt: number;
}

export interface Change {
  /** keydown seen by the page (capture phase on window), ms since navigation start. */
  keyAt: number;
  /** Start of the first animation frame whose content shows the change (checked after that frame's callbacks ran). */
  frameAt: number;
  /** The first 4 ms poll that saw the change. */
  pollAt: number;
}

type Probe = {
  counters(): Counters;
  firstFrame(): FirstFrame | null;
  arm(rect: { x: number; y: number; width: number; height: number }, quietMs: number, timeoutMs: number): Promise<'armed' | 'no-canvas' | 'never-quiet'>;
  change(timeoutMs: number): Promise<Change | null>;
};

/** Runs in the page before its own scripts: everything the benchmark reads later through `window.__bench`. */
function probeInit(options: ProbeOptions): void {
  const win = window as unknown as { __bench: Probe };
  const counters: Counters = { rxBytes: 0, rxMessages: 0, txBytes: 0, txMessages: 0, sockets: [] };
  const encoder = new TextEncoder();
  const size = (data: unknown): number =>
    typeof data === 'string' ? encoder.encode(data).length : data instanceof ArrayBuffer ? data.byteLength : data instanceof Blob ? data.size : ArrayBuffer.isView(data) ? data.byteLength : 0;
  // A real WebSocket, not a subclass: noVNC checks the channel's own prototype for send/close/onmessage... (core/websock.js).
  const Native = window.WebSocket;
  const CountingWebSocket = function (url: string | URL, protocols?: string | string[]): WebSocket {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    const info: SocketInfo = { url: String(url), protocol: '', extensions: '', createdAt: performance.now(), openAt: Number.NaN };
    counters.sockets.push(info);
    ws.addEventListener('open', () => {
      info.openAt = performance.now();
      info.protocol = ws.protocol;
      info.extensions = ws.extensions;
    });
    ws.addEventListener('message', (event: MessageEvent) => {
      const bytes = size(event.data);
      if (bytes >= 64) lastMessageAt = performance.now();
      counters.rxBytes += bytes;
      counters.rxMessages++;
    });
    const send = ws.send;
    ws.send = (data: string | ArrayBufferLike | Blob | ArrayBufferView) => {
      counters.txBytes += size(data);
      counters.txMessages++;
      send.call(ws, data);
    };
    return ws;
  } as unknown as typeof WebSocket;
  Object.defineProperty(CountingWebSocket, 'prototype', { value: Native.prototype });
  for (const name of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const) Object.defineProperty(CountingWebSocket, name, { value: Native[name] });
  window.WebSocket = CountingWebSocket;

  let keyAt = Number.NaN;
  let lastMessageAt = Number.NaN;
  window.addEventListener('keydown', () => (keyAt = performance.now()), { capture: true });

  const canvas = () => document.querySelector<HTMLCanvasElement>(options.selector);
  const read = (r: { x: number; y: number; width: number; height: number }): Uint32Array | null => {
    const c = canvas();
    if (!c || c.width < r.x + r.width || c.height < r.y + r.height) return null;
    const ctx = c.getContext('2d');
    return ctx ? new Uint32Array(ctx.getImageData(r.x, r.y, r.width, r.height).data.buffer) : null;
  };
  const [red, green, blue] = options.rgb;

  // While something is watched: checked by a 4 ms poll, and once per animation frame after that frame's
  // requestAnimationFrame callbacks and layout but before it is painted (a ResizeObserver on a marker whose width the
  // frame callback toggles fires exactly there). A client that draws inside requestAnimationFrame is credited to the frame it
  // drew in; one that draws in a task between frames, to the next frame. Nothing runs while nothing is watched (idle CPU).
  type Watch = { test(): boolean; frameAt: number; pollAt: number };
  const watches = new Set<Watch>();
  let frameTs = 0;
  let running = false;
  let poll: number | undefined;
  const marker = document.createElement('div');
  marker.setAttribute('style', 'position:fixed;left:0;top:0;width:1px;height:1px;visibility:hidden;pointer-events:none');
  const observer = new ResizeObserver(() => {
    for (const watch of watches) if (Number.isNaN(watch.frameAt) && watch.test()) watch.frameAt = frameTs;
  });
  const onFrame = (ts: number) => {
    if (!watches.size) {
      running = false;
      window.clearInterval(poll);
      return;
    }
    frameTs = ts;
    if (!marker.isConnected) {
      document.documentElement.append(marker);
      observer.observe(marker);
    }
    marker.style.width = marker.style.width === '2px' ? '1px' : '2px';
    requestAnimationFrame(onFrame);
  };
  const watch = (w: Watch) => {
    watches.add(w);
    if (running) return;
    running = true;
    requestAnimationFrame(onFrame);
    poll = window.setInterval(() => {
      for (const x of watches) if (Number.isNaN(x.pollAt) && x.test()) x.pollAt = performance.now();
    }, 4);
  };

  let firstDataAt = Number.NaN;
  const first: Watch = {
    frameAt: Number.NaN,
    pollAt: Number.NaN,
    test() {
      const px = read({ x: options.x, y: options.y, width: 1, height: 1 });
      if (!px) return false;
      const bytes = new Uint8Array(px.buffer);
      const shown = bytes[0] === red && bytes[1] === green && bytes[2] === blue;
      if (shown && Number.isNaN(firstDataAt)) firstDataAt = lastMessageAt;
      return shown;
    },
  };
  watch(first);

  let armed: Watch | null = null;
  win.__bench = {
    counters: () => JSON.parse(JSON.stringify(counters)) as Counters,
    firstFrame() {
      if (Number.isNaN(first.frameAt) || Number.isNaN(first.pollAt)) return null;
      watches.delete(first);
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        frameAt: first.frameAt,
        pollAt: first.pollAt,
        loadedAt: nav?.domContentLoadedEventEnd ?? Number.NaN,
        socketAt: counters.sockets[0]?.createdAt ?? Number.NaN,
        socketOpenAt: counters.sockets[0]?.openAt ?? Number.NaN,
        dataAt: firstDataAt,
      };
    },
    async arm(rect, quietMs, timeoutMs) {
      if (armed) watches.delete(armed);
      armed = null;
      // The snapshot must be of a still screen: wait until the rectangle stayed the same for quietMs (the previous key's
      // last pixels, e.g. the moved cursor, may land after its first change was seen).
      const same = (a: Uint32Array, b: Uint32Array) => a.every((x, i) => x === b[i]);
      let before = read(rect);
      if (!before) return 'no-canvas';
      let stillSince = performance.now();
      const deadline = stillSince + timeoutMs;
      while (performance.now() - stillSince < quietMs) {
        if (performance.now() > deadline) return 'never-quiet';
        await new Promise((r) => setTimeout(r, 10));
        const now = read(rect);
        if (!now) return 'no-canvas';
        if (!same(now, before)) {
          before = now;
          stillSince = performance.now();
        }
      }
      const snapshot = before;
      keyAt = Number.NaN;
      const w: Watch = {
        frameAt: Number.NaN,
        pollAt: Number.NaN,
        test() {
          const now = read(rect);
          return now !== null && !same(now, snapshot);
        },
      };
      armed = w;
      watch(w);
      return 'armed';
    },
    change(timeoutMs) {
      const w = armed;
      if (!w) return Promise.resolve(null);
      const deadline = performance.now() + timeoutMs;
      return new Promise((resolve) => {
        const check = () => {
          if (!Number.isNaN(w.frameAt) && !Number.isNaN(w.pollAt)) {
            watches.delete(w);
            armed = null;
            resolve({ keyAt, frameAt: w.frameAt, pollAt: w.pollAt });
          } else if (performance.now() > deadline) {
            watches.delete(w);
            armed = null;
            resolve(null);
          } else setTimeout(check, 5);
        };
        check();
      });
    },
  };
}

export async function installProbe(context: BrowserContext, options: ProbeOptions): Promise<void> {
  // As source text, with a stand-in for the `__name` helper tsx's esbuild puts into named functions and classes.
  await context.addInitScript({ content: `(() => { const __name = (target) => target; (${probeInit.toString()})(${JSON.stringify(options)}); })();` });
}

export const counters = (page: Page) => page.evaluate(() => (window as unknown as { __bench: Probe }).__bench.counters());

/** Waits (bounded) until the page's first frame shows the probe colour. */
export async function waitFirstFrame(page: Page, timeoutMs = 20_000): Promise<FirstFrame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ff = await page.evaluate(() => (window as unknown as { __bench: Probe }).__bench.firstFrame());
    if (ff) return ff;
    if (Date.now() > deadline) throw new Error(`no first frame within ${timeoutMs} ms (${page.url()})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Snapshots `rect` of the remote screen once it stayed still for `quietMs`; the next `awaitChange` reports when it first differs. */
export async function armChange(page: Page, rect: Rect, quietMs = 150, timeoutMs = 5_000): Promise<void> {
  const state = await page.evaluate(([r, q, t]) => (window as unknown as { __bench: Probe }).__bench.arm(r as Rect, q as number, t as number), [rect, quietMs, timeoutMs] as const);
  if (state === 'no-canvas') throw new Error('the remote screen canvas is not there (or smaller than the watched rectangle)');
  if (state === 'never-quiet') throw new Error(`the watched rectangle did not stay still for ${quietMs} ms within ${timeoutMs} ms`);
}

export const awaitChange = (page: Page, timeoutMs: number) =>
  page.evaluate((t) => (window as unknown as { __bench: Probe }).__bench.change(t), timeoutMs);

/** Where remote (x, y) is on the page, whatever the scale the page shows the screen at. */
export async function pagePoint(page: Page, selector: string, x: number, y: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([sel, px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(sel as string)!;
      const box = canvas.getBoundingClientRect();
      return { x: box.left + ((px as number) * box.width) / canvas.width, y: box.top + ((py as number) * box.height) / canvas.height };
    },
    [selector, x, y] as const,
  );
}
