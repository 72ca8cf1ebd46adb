// One browser's terminal WebSocket as a session viewer: parses its messages, forwards output, enforces limits.
import { randomUUID } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import { CloseCode } from '../../../shared/close-codes.js';
import { MAX_TERMINAL_CLIENT_MESSAGE_BYTES } from '../../../shared/limits.js';
import { terminalClientMessageSchema, type TerminalServerMessage } from '../../../shared/terminal-protocol.js';
import type { Identity } from '../../auth/identity.js';
import type { Logger } from '../../log.js';
import type { TerminalSession } from '../../sessions/terminal-session.js';
import type { TerminalViewer } from '../../sessions/viewer.js';
import type { ViewerRole } from '../../../shared/terminal-protocol.js';

/** Close reasons are limited to 123 bytes by RFC 6455. */
function closeReason(text: string): string {
  const bytes = Buffer.from(text);
  return bytes.length <= 123 ? text : bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '...';
}

/** Far past the flow-control window (512 KiB unacked): only a client that fakes its acks gets here. */
const MAX_SOCKET_BACKLOG_BYTES = 16 * 1024 * 1024;

export class WebSocketViewer implements TerminalViewer {
  readonly id = randomUUID();
  readonly since = Date.now();
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    readonly identity: Identity,
    private readonly session: TerminalSession,
    private readonly log: Logger,
    readonly role: ViewerRole = 'owner',
    readonly linkId: string | null = null,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => session.detach(this));
    ws.on('error', (err) => this.log.warn({ event: 'ws.error', err: err.message }, 'terminal websocket error'));
  }

  sendControl(message: TerminalServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  sendOutput(bytes: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Flow control trusts the client's acks; a client that acks without reading must not grow our memory.
    if (this.ws.bufferedAmount > MAX_SOCKET_BACKLOG_BYTES) {
      this.log.warn({ event: 'ws.not_reading', backlog: this.ws.bufferedAmount }, 'closing a terminal connection that stopped reading');
      this.ws.terminate();
      return;
    }
    this.ws.send(bytes, { binary: true });
  }

  backlog(): number {
    return this.ws.bufferedAmount;
  }

  pauseInput(): void {
    this.ws.pause();
  }

  resumeInput(): void {
    this.ws.resume();
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, closeReason(reason));
  }

  /** Called by the heartbeat: a connection that missed the last ping is dead (a blip the OS has not noticed). */
  checkAlive(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (bytes.length > MAX_TERMINAL_CLIENT_MESSAGE_BYTES) {
      return this.reject(CloseCode.messageTooBig, `message of ${bytes.length} bytes is over the ${MAX_TERMINAL_CLIENT_MESSAGE_BYTES}-byte limit`);
    }
    if (isBinary) return this.session.input(this, bytes);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return this.reject(CloseCode.malformedMessage, 'a text message was not valid JSON');
    }
    const parsed = terminalClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.reject(CloseCode.malformedMessage, `bad message: ${issue?.path.join('.') || 'type'}: ${issue?.message ?? 'unknown'}`);
    }
    const message = parsed.data;
    switch (message.type) {
      case 'resize':
        return this.session.resize(this, message.cols, message.rows);
      case 'ack':
        return this.session.acknowledge(this, message.bytes);
      case 'hostkey-answer':
        return this.session.answer(this, 'hostkey-answer', message.accept);
      case 'prompt-answer':
        return this.session.answer(this, 'prompt-answer', message.answers);
    }
  }

  /** A broken client loses its own connection only; the session stays for a well-behaved re-attach. */
  private reject(code: number, reason: string): void {
    this.log.warn({ event: 'ws.bad_client_message', code, reason }, 'closing a terminal connection for a bad message');
    this.close(code, reason);
  }
}
