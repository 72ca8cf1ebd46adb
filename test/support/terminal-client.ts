// A scripted terminal client that speaks the gateway's WebSocket protocol (for integration tests and benchmarks).
import WebSocket from 'ws';
import { FLOW_ACK_EVERY_BYTES } from '../../shared/limits.js';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal-protocol.js';

export interface TerminalClientOptions {
  url: string;
  headers: Record<string, string>;
  /** Answer host-key questions automatically (default true). */
  trustHostKey?: boolean;
  /** Acknowledge output automatically, like xterm.js would after parsing (default true). */
  autoAck?: boolean;
  /** Source address, e.g. 127.0.0.2: which tailnet node the double says this is. */
  localAddress?: string;
}

export class TerminalClient {
  readonly messages: TerminalServerMessage[] = [];
  private decoder = new TextDecoder();
  private text = '';
  private unacked = 0;
  bytesReceived = 0;
  closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  onOutput: ((bytes: Buffer) => void) | undefined;

  private constructor(
    readonly ws: WebSocket,
    private readonly options: TerminalClientOptions,
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.bytesReceived += data.length;
        this.onOutput?.(data);
        this.text += this.decoder.decode(data, { stream: true });
        if (this.text.length > 1_000_000) this.text = this.text.slice(-500_000);
        if (options.autoAck !== false) {
          this.unacked += data.length;
          if (this.unacked >= FLOW_ACK_EVERY_BYTES) {
            this.send({ type: 'ack', bytes: this.unacked });
            this.unacked = 0;
          }
        }
      } else {
        const message = JSON.parse(data.toString()) as TerminalServerMessage;
        this.messages.push(message);
        if (message.type === 'hostkey' && options.trustHostKey !== false) this.send({ type: 'hostkey-answer', accept: true });
      }
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static open(options: TerminalClientOptions): Promise<TerminalClient> {
    const ws = new WebSocket(options.url, { headers: options.headers, perMessageDeflate: false, localAddress: options.localAddress });
    const client = new TerminalClient(ws, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
  }

  /** Everything printed so far (the last megabyte), decoded as UTF-8. */
  get output(): string {
    return this.text;
  }

  clearOutput(): void {
    this.text = '';
  }

  send(message: TerminalClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  type(text: string): void {
    this.ws.send(Buffer.from(text, 'utf8'), { binary: true });
  }

  /** Resolves when `predicate` holds after some message; rejects after `timeoutMs` with what was seen. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; messages: ${JSON.stringify(this.messages)}; output tail: ${JSON.stringify(this.text.slice(-300))}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<void> {
    const test = () => (typeof pattern === 'string' ? this.text.includes(pattern) : pattern.test(this.text));
    return this.waitFor(test, `output ${pattern}`, timeoutMs);
  }

  waitForMessage<T extends TerminalServerMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<TerminalServerMessage, { type: T }>> {
    return this.waitFor(() => this.messages.some((m) => m.type === type), `a "${type}" message`, timeoutMs).then(
      () => this.messages.find((m) => m.type === type) as Extract<TerminalServerMessage, { type: T }>,
    );
  }

  close(): void {
    this.ws.close();
  }
}
