// A terminal WebSocket client that renders what it receives in @xterm/headless, in arrival order, the way the page's xterm.js does.
import xtermHeadless from '@xterm/headless';
import WebSocket from 'ws';
import { FLOW_ACK_EVERY_BYTES } from '../../shared/limits.js';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal-protocol.js';

const { Terminal } = xtermHeadless;

export interface RenderedTerminalOptions {
  url: string;
  headers: Record<string, string>;
  /** Acknowledge output once parsed, like the page (default true); false: a page that stopped reading. */
  autoAck?: boolean;
}

export interface Screen {
  lines: string[];
  cursor: [x: number, y: number];
  cols: number;
  rows: number;
}

export class RenderedTerminal {
  readonly term = new Terminal({ cols: 80, rows: 24, scrollback: 1000, allowProposedApi: true });
  readonly messages: TerminalServerMessage[] = [];
  /** What arrived, in order: control message types and 'output' for binary frames. */
  readonly events: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  bytesReceived = 0;
  /** Bytes acknowledged so far (automatically or with ack()). */
  bytesAcked = 0;
  private parsed = 0;
  /** Every operation on the terminal, in arrival order: writes parse asynchronously, reset and resize must wait for them. */
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    readonly ws: WebSocket,
    private readonly autoAck: boolean,
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.bytesReceived += data.length;
        this.events.push('output');
        const bytes = new Uint8Array(data);
        this.enqueue(() => new Promise<void>((resolve) => this.term.write(bytes, resolve)).then(() => this.parsedBytes(bytes.length)));
        return;
      }
      const message = JSON.parse(data.toString()) as TerminalServerMessage;
      this.messages.push(message);
      this.events.push(message.type);
      switch (message.type) {
        case 'hostkey':
          this.send({ type: 'hostkey-answer', accept: true });
          break;
        case 'attached':
          // A restored screen is redrawn whole: start from a clean terminal of the session's size (as the page does).
          this.enqueue(() => {
            if (message.restored) this.term.reset();
            this.term.resize(message.cols, message.rows);
          });
          break;
        case 'size':
          this.enqueue(() => this.term.resize(message.cols, message.rows));
          break;
        case 'resync':
          this.enqueue(() => this.term.reset());
          break;
      }
    });
  }

  static open(options: RenderedTerminalOptions): Promise<RenderedTerminal> {
    const ws = new WebSocket(options.url, { headers: options.headers, perMessageDeflate: false });
    const client = new RenderedTerminal(ws, options.autoAck !== false);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
  }

  send(message: TerminalClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  type(text: string): void {
    this.ws.send(Buffer.from(text, 'utf8'), { binary: true });
  }

  /** Acknowledges everything received and not yet acknowledged; returns how many bytes that was. */
  ackReceived(): number {
    const bytes = this.bytesReceived - this.bytesAcked;
    if (bytes > 0) this.send({ type: 'ack', bytes });
    this.bytesAcked += bytes;
    return bytes;
  }

  /** The visible screen once everything received so far is parsed: each row's text (right-trimmed) and the cursor. */
  async screen(): Promise<Screen> {
    await this.chain;
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '');
    return { lines, cursor: [buffer.cursorX, buffer.cursorY], cols: this.term.cols, rows: this.term.rows };
  }

  close(): void {
    this.ws.close();
  }

  dispose(): void {
    this.ws.close();
    this.term.dispose();
  }

  private enqueue(op: () => void | Promise<void>): void {
    this.chain = this.chain.then(op);
  }

  private parsedBytes(bytes: number): void {
    if (!this.autoAck) return;
    this.parsed += bytes;
    if (this.parsed >= FLOW_ACK_EVERY_BYTES) {
      this.send({ type: 'ack', bytes: this.parsed });
      this.bytesAcked += this.parsed;
      this.parsed = 0;
    }
  }
}
