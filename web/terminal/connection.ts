// One session's WebSocket: keystrokes out as binary frames, output in with acks, automatic re-attach after blips.
import { CloseCode } from '../../shared/close-codes';
import { PASTE_CHUNK_BYTES } from '../../shared/limits';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal-protocol';
import { terminalSocketUrl } from '../api';
import { reconnectDelay } from './backoff';
import { describeClose } from './error-text';
import { AckCounter } from './flow-control';
import { splitUtf8 } from './paste-chunks';

/** What the API says about a session after its socket dropped. */
export type SessionProbe = 'alive' | 'gone' | 'unknown';

export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open' }
  /** Dropped; the same session is tried again after `delayMs`. */
  | { kind: 'waiting'; attempt: number; delayMs: number; code: number }
  /** Over for good: `code` is from shared/close-codes.ts (or what the probe found). */
  | { kind: 'closed'; code: number; reason: string };

/** Where to open the socket, given the size the terminal starts at (the owner's session URL, or a guest's pass URL). */
export type SocketUrlBuilder = (size: { cols: number; rows: number }) => string;

/** The owner's socket for `sessionId`. */
export const sessionSocket =
  (sessionId: string): SocketUrlBuilder =>
  ({ cols, rows }) =>
    terminalSocketUrl(sessionId, cols, rows);

export interface ConnectionHooks {
  size(): { cols: number; rows: number };
  /** Write `bytes` to the terminal and call `parsed` once xterm.js has consumed them. */
  output(bytes: Uint8Array, parsed: () => void): void;
  message(msg: TerminalServerMessage): void;
  state(state: ConnectionState): void;
  /** Asked before each retry, because a refused upgrade only ever shows up as close code 1006. */
  probe(sessionId: string): Promise<SessionProbe>;
}

export class TerminalConnection {
  private ws: WebSocket | null = null;
  private readonly acks = new AckCounter();
  private readonly encoder = new TextEncoder();
  /** Bumped per socket so late callbacks from an old socket cannot ack or report on the new one. */
  private generation = 0;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private sent = { cols: 0, rows: 0 };
  private readonly onOnline = (): void => this.retryNow();

  constructor(
    readonly sessionId: string,
    private readonly hooks: ConnectionHooks,
    private readonly socketUrl: SocketUrlBuilder = sessionSocket(sessionId),
  ) {
    window.addEventListener('online', this.onOnline);
  }

  connect(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const gen = ++this.generation;
    this.acks.reset();
    this.sent = this.hooks.size();
    this.hooks.state({ kind: 'connecting', attempt: this.attempt });
    const ws = new WebSocket(this.socketUrl(this.sent));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => gen === this.generation && this.hooks.state({ kind: 'open' });
    ws.onmessage = (ev: MessageEvent) => gen === this.generation && this.receive(ev.data, gen);
    ws.onclose = (ev: CloseEvent) => {
      if (gen !== this.generation) return;
      this.ws = null;
      this.dropped(ev.code, ev.reason);
    };
  }

  /** Keystrokes and pastes from xterm.js: sent at once (no coalescing), split only when huge. */
  sendInput(text: string): void {
    this.sendBytes(this.encoder.encode(text));
  }

  /** xterm.js `onBinary` data (some mouse reports): one byte per char, not UTF-8. */
  sendBinaryString(data: string): void {
    this.sendBytes(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
  }

  /** Only an owner's page calls this: a guest keeps the owner's size (the server ignores theirs anyway). */
  resize(cols: number, rows: number): void {
    if (cols === this.sent.cols && rows === this.sent.rows) return;
    this.sent = { cols, rows };
    this.send({ type: 'resize', cols, rows });
  }

  send(msg: TerminalClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Skips the backoff wait (a Retry button, the network coming back). */
  retryNow(): void {
    if (this.stopped || this.ws || this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.retry();
  }

  /** Detaches on purpose: no reconnect. The session itself lives on at the gateway for its grace period. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.generation += 1;
    this.ws?.close(1000, 'detached');
    this.ws = null;
    window.removeEventListener('online', this.onOnline);
  }

  private sendBytes(bytes: Uint8Array<ArrayBuffer>): void {
    const ws = this.ws;
    if (ws?.readyState !== WebSocket.OPEN) return;
    for (const chunk of splitUtf8(bytes, PASTE_CHUNK_BYTES)) ws.send(chunk);
  }

  private receive(data: unknown, gen: number): void {
    if (data instanceof ArrayBuffer) {
      const bytes = new Uint8Array(data);
      this.hooks.output(bytes, () => {
        if (gen !== this.generation) return;
        const ack = this.acks.parsed(bytes.length);
        if (ack > 0) this.send({ type: 'ack', bytes: ack });
      });
      return;
    }
    if (typeof data !== 'string') return;
    let msg: TerminalServerMessage;
    try {
      msg = JSON.parse(data) as TerminalServerMessage;
    } catch {
      console.warn('porthole: ignored a control message that is not JSON', data.slice(0, 200));
      return;
    }
    if (msg.type === 'attached') this.attempt = 0;
    this.hooks.message(msg);
  }

  private dropped(code: number, reason: string): void {
    if (this.stopped) return;
    if (describeClose(code).final) this.finish(code, reason);
    else this.scheduleRetry(code);
  }

  private scheduleRetry(code: number): void {
    const delayMs = reconnectDelay(this.attempt);
    this.hooks.state({ kind: 'waiting', attempt: this.attempt, delayMs, code });
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retry(code);
    }, delayMs);
  }

  private async retry(code = 1006): Promise<void> {
    const found = await this.hooks.probe(this.sessionId);
    if (this.stopped) return;
    if (found === 'gone') this.finish(CloseCode.sessionNotFound, 'the session is no longer listed');
    else if (found === 'unknown') this.scheduleRetry(code);
    else this.connect();
  }

  private finish(code: number, reason: string): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    this.hooks.state({ kind: 'closed', code, reason });
  }
}
