// A guest's terminal (and an admin's watch): the owner's terminal modules on another socket; read-only or co-driving at the owner's size, or a host link's own shell.
import { CloseCode } from '../../shared/close-codes';
import type { TerminalServerMessage, ViewerRole } from '../../shared/terminal-protocol';
import { TerminalConnection, type ConnectionState, type SessionProbe, type SocketUrlBuilder } from '../terminal/connection';
import { createTerminal, type TerminalKit } from '../terminal/create-terminal';
import { describeExit, describeTerminalError } from '../terminal/error-text';
import { keySequence, withCtrl } from '../terminal/key-sequences';
import { createBanner, createStageOverlay } from '../terminal/overlays';
import { Questions } from '../terminal/questions';
import { createSearchBar } from '../terminal/search-bar';
import { TerminalSizing } from '../terminal/terminal-sizing';
import { createTouchKeys } from '../terminal/touch-keys';
import { h } from '../ui/dom';
import { endText, type GuestMessage } from './guest-text';

/** Retries without ever getting through before the page gives up (the pass may be gone after a gateway restart). */
const MAX_BLIND_RETRIES = 4;

export interface GuestSessionHooks {
  /** The server said what this guest may do. */
  role(role: ViewerRole): void;
  /** Over for good; `attached` says whether the session was ever reached (a stale pass never is). */
  ended(message: GuestMessage, attached: boolean): void;
  /** The guest pressed Cancel while it was connecting. */
  left(): void;
  /** The session is (or stopped being) recorded: a guest is told, like the owner. */
  recording?(active: boolean): void;
}

export class GuestTerminal {
  readonly el: HTMLElement;
  private readonly kit: TerminalKit;
  private readonly host = h('div', { class: 'term-host' });
  private readonly sizing: TerminalSizing;
  private readonly stage = createStageOverlay(() => this.hooks.left());
  private readonly banner = createBanner();
  private readonly questions = new Questions();
  private readonly touchKeys = createTouchKeys(
    (key) => this.conn.sendInput(keySequence(key, this.kit.term.modes.applicationCursorKeysMode)),
    () => this.kit.term.focus(),
  );
  private readonly conn: TerminalConnection;
  private role: ViewerRole | null = null;
  private attached = false;
  private failures = 0;
  /** An `error` or `exit` message already explained the end. */
  private explained = false;

  /**
   * `socket`: where to attach (a guest's pass URL, or an admin's watch URL); `probe`: asked after a drop
   * whether the session still lives (a guest cannot list sessions, so by default it retries a few times).
   */
  constructor(
    socket: SocketUrlBuilder,
    private readonly hostName: string,
    private readonly hooks: GuestSessionHooks,
    probe?: () => Promise<SessionProbe>,
  ) {
    this.kit = createTerminal({ openSearch: () => search.open(), isWorkspaceKey: () => false });
    const search = createSearchBar(this.kit.search, () => this.kit.term.focus());
    this.sizing = new TerminalSizing(this.host, this.kit);
    this.touchKeys.el.hidden = true;
    const screen = h('div', { class: 'pane-screen' }, this.host, search.el, this.stage.el, this.banner.el);
    this.el = h('div', { class: 'pane guest-pane' }, screen, this.touchKeys.el);
    this.kit.term.onData((data) => this.canType() && this.conn.sendInput(this.touchKeys.takeCtrl() ? withCtrl(data) : data));
    this.kit.term.onBinary((data) => this.canType() && this.conn.sendBinaryString(data));
    this.kit.term.onResize(({ cols, rows }) => this.sizing.drivesSize && this.conn.resize(cols, rows));
    this.conn = new TerminalConnection(
      `guest:${hostName}`,
      {
        size: () => ({ cols: this.kit.term.cols, rows: this.kit.term.rows }),
        output: (bytes, parsed) => {
          this.stage.hide();
          this.kit.term.write(bytes, parsed);
        },
        message: (msg) => this.onMessage(msg),
        state: (state) => this.onState(state),
        // A guest cannot list sessions: without a probe it retries a few times, then says the connection is lost.
        probe: async () => (probe ? probe() : ++this.failures > MAX_BLIND_RETRIES ? 'gone' : 'unknown'),
      },
      socket,
    );
  }

  /** Call once `el` is in the page (xterm.js measures its box). */
  start(): void {
    this.kit.open(this.host);
    this.sizing.start();
    this.stage.show(this.hostName);
    this.conn.connect();
  }

  focus(): void {
    this.kit.term.focus();
  }

  dispose(): void {
    this.conn.close();
    this.questions.close();
    this.sizing.dispose();
    this.kit.dispose();
    this.el.remove();
  }

  private canType(): boolean {
    return this.role === 'owner' || this.role === 'control';
  }

  private onMessage(msg: TerminalServerMessage): void {
    switch (msg.type) {
      case 'stage':
        if (msg.stage === 'ready') this.stage.hide();
        else this.stage.setStage(msg.stage);
        break;
      case 'attached':
        this.attached = true;
        this.failures = 0;
        this.banner.hide();
        this.role = msg.role ?? 'owner';
        this.sizing.setRole(this.role, msg.cols, msg.rows);
        // Read-only: no cursor blinking at someone who cannot type, and no keys reach the socket.
        this.kit.term.options.disableStdin = this.role === 'view';
        this.kit.term.options.cursorBlink = this.role !== 'view';
        this.touchKeys.el.hidden = this.role === 'view';
        this.hooks.role(this.role);
        if (msg.restored) {
          this.kit.term.reset();
          this.stage.hide();
        }
        break;
      case 'size':
        this.sizing.setFixedSize(msg.cols, msg.rows);
        break;
      case 'resync':
        this.kit.term.reset();
        break;
      case 'hostkey':
      case 'prompt':
        this.questions.ask(msg, this.hostName, (answer) => {
          this.conn.send(answer);
          this.kit.term.focus();
        });
        break;
      case 'error':
        this.explained = true;
        this.finish(describeTerminalError(msg.kind, this.hostName));
        break;
      case 'exit':
        this.explained = true;
        this.finish({ title: describeExit(msg.exitCode, msg.signal), body: `The shell on ${this.hostName} has closed.` });
        break;
      case 'viewers':
        break; // owners only
      case 'recording':
        this.hooks.recording?.(msg.active);
        break;
    }
  }

  private onState(state: ConnectionState): void {
    switch (state.kind) {
      case 'open':
        break;
      case 'connecting':
        if (state.attempt > 0) this.banner.show('Reconnecting…');
        break;
      case 'waiting': {
        this.questions.close();
        const seconds = Math.max(1, Math.round(state.delayMs / 1000));
        const why = state.code === CloseCode.shuttingDown ? 'The gateway is restarting.' : 'Connection lost.';
        this.banner.show(`${why} Reconnecting in ${seconds} s…`, () => this.conn.retryNow());
        break;
      }
      case 'closed':
        this.questions.close();
        if (this.explained) return;
        if (state.code === CloseCode.sessionNotFound && this.failures > MAX_BLIND_RETRIES) {
          this.finish({ title: 'Connection lost', body: 'The gateway could not be reached. Open the link again to retry.' });
        } else {
          this.finish(endText(state.code, state.reason));
        }
        break;
    }
  }

  private finish(message: GuestMessage): void {
    this.stage.hide();
    this.banner.hide();
    this.kit.term.options.disableStdin = true;
    this.kit.term.options.cursorBlink = false;
    this.hooks.ended(message, this.attached);
  }
}
