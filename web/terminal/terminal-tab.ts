// One tab = one session: its xterm.js, its socket, and the panels and questions shown over it.
import { CloseCode } from '../../shared/close-codes';
import type { SessionViewerInfo } from '../../shared/share-types';
import type { TerminalServerMessage, ViewerRole } from '../../shared/terminal-protocol';
import { api, errorText } from '../api';
import { navigate } from '../router';
import { h, uid } from '../ui/dom';
import { toast } from '../ui/toast';
import { TerminalConnection, type ConnectionState } from './connection';
import { probeSession } from './session-probe';
import { createTerminal, type TerminalKit } from './create-terminal';
import { closeNotice, errorNotice, exitNotice, type EndActions, type EndNotice } from './end-notices';
import { keySequence, withCtrl } from './key-sequences';
import { createBanner, createNotice, createStageOverlay } from './overlays';
import { Questions } from './questions';
import { createSearchBar } from './search-bar';
import { TerminalSizing } from './terminal-sizing';
import { createTouchKeys } from './touch-keys';

/** idle: restored from the server list but not attached yet; elsewhere: another browser tab took it. */
export type TabStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'error' | 'ended' | 'elsewhere';

export interface TabInfo {
  sessionId: string;
  hostId: string;
  hostName: string;
}

export interface TabHooks {
  changed(tab: TerminalTab): void;
  requestClose(tab: TerminalTab): void;
  sessionReplaced(tab: TerminalTab): void;
  isWorkspaceKey(ev: KeyboardEvent): boolean;
}

export class TerminalTab {
  readonly el: HTMLElement;
  status: TabStatus = 'idle';
  /** Owner here; another role only when this page watches someone else's session. */
  role: ViewerRole = 'owner';
  /** Who is attached to this session (sent to the owner on every join and leave). */
  viewers: SessionViewerInfo[] = [];
  /** The session is being recorded (the server says so on attach and when it changes). */
  recording = false;
  private readonly kit: TerminalKit;
  private readonly sizing: TerminalSizing;
  private opened = false;
  private readonly host = h('div', { class: 'term-host' });
  private readonly stage = createStageOverlay(() => this.hooks.requestClose(this));
  private readonly notice = createNotice();
  private readonly banner = createBanner();
  private readonly touchKeys = createTouchKeys(
    (key) => this.conn?.sendInput(keySequence(key, this.kit.term.modes.applicationCursorKeysMode)),
    () => this.kit.term.focus(),
  );
  private conn: TerminalConnection | null = null;
  private readonly questions = new Questions();
  /** An `error` or `exit` message already explained the end; the close that follows adds nothing. */
  private explained = false;
  private everLive = false;
  private readonly actions: EndActions = {
    reconnect: { label: 'Reconnect', variant: 'primary', iconName: 'refresh', run: () => this.reconnectFresh() },
    close: { label: 'Close tab', iconName: 'close', run: () => this.hooks.requestClose(this) },
    openHosts: { label: 'Open Hosts page', variant: 'primary', iconName: 'key', run: () => navigate('/hosts') },
    takeBack: { label: 'Use it here', variant: 'primary', iconName: 'plug', run: () => this.attach() },
  };

  /** `alreadyReady`: the gateway listed the session as ready, so re-attaching shows no connect progress. */
  constructor(
    readonly info: TabInfo,
    private readonly hooks: TabHooks,
    alreadyReady = false,
  ) {
    this.everLive = alreadyReady;
    this.kit = createTerminal({ openSearch: () => search.open(), isWorkspaceKey: (ev) => hooks.isWorkspaceKey(ev) });
    this.sizing = new TerminalSizing(this.host, this.kit);
    const search = createSearchBar(this.kit.search, () => this.kit.term.focus());
    const screen = h('div', { class: 'pane-screen' }, this.host, search.el, this.stage.el, this.banner.el, this.notice.el);
    this.el = h('div', { class: 'pane', id: uid('pane'), role: 'tabpanel', hidden: true }, screen, this.touchKeys.el);
    // Right click with a selection copies it (terminal habit); without one the native menu offers Paste.
    this.host.addEventListener('contextmenu', (ev) => {
      if (!this.kit.term.hasSelection()) return;
      ev.preventDefault();
      void this.kit.copySelection();
    });
    // Where a keystroke travels: xterm.js onData -> TextEncoder -> binary frame (connection.ts) -> gateway -> pty.
    this.kit.term.onData((data) => this.role !== 'view' && this.conn?.sendInput(this.touchKeys.takeCtrl() ? withCtrl(data) : data));
    this.kit.term.onBinary((data) => this.role !== 'view' && this.conn?.sendBinaryString(data));
    // Only the owner sizes the pty; everyone else follows the owner's size (terminal-sizing.ts).
    this.kit.term.onResize(({ cols, rows }) => this.sizing.drivesSize && this.conn?.resize(cols, rows));
  }

  get label(): string {
    return this.info.hostName;
  }

  /** Shows the pane; the first time, opens xterm.js (needs a visible box) and attaches to the session. */
  activate(): void {
    this.el.hidden = false;
    if (!this.opened) {
      this.opened = true;
      this.kit.open(this.host);
      this.sizing.start();
    }
    if (!this.conn && this.status === 'idle') this.attach();
    if (!this.notice.visible) this.kit.term.focus();
  }

  deactivate(): void {
    this.el.hidden = true;
  }

  focus(): void {
    this.kit.term.focus();
  }

  /** Closes the socket on purpose; the session keeps running at the gateway. */
  detach(): void {
    this.conn?.close();
    this.conn = null;
  }

  dispose(): void {
    this.detach();
    this.questions.close();
    this.sizing.dispose();
    this.kit.dispose();
    this.el.remove();
  }

  /** (Re)attaches to this tab's session id. */
  private attach(): void {
    this.conn?.close();
    this.notice.hide();
    this.explained = false;
    if (!this.everLive) this.stage.show(this.info.hostName);
    this.conn = new TerminalConnection(this.info.sessionId, {
      size: () => ({ cols: this.kit.term.cols, rows: this.kit.term.rows }),
      output: (bytes, parsed) => {
        if (this.status !== 'live') this.becameLive();
        this.kit.term.write(bytes, parsed);
      },
      message: (msg) => this.onMessage(msg),
      state: (state) => this.onState(state),
      probe: (id) => probeSession(id),
    });
    this.conn.connect();
  }

  /** The Reconnect button: the old session is over, so ask the gateway for a new one to the same host. */
  private async reconnectFresh(): Promise<void> {
    try {
      const session = await api.createSession(this.info.hostId);
      this.info.sessionId = session.id;
      this.info.hostName = session.hostName;
      this.everLive = false;
      this.kit.term.reset();
      this.attach();
      this.hooks.sessionReplaced(this);
      this.kit.term.focus();
    } catch (err) {
      toast(`Could not reconnect: ${errorText(err)}`, 'error');
    }
  }

  private setStatus(status: TabStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.hooks.changed(this);
  }

  private becameLive(): void {
    this.everLive = true;
    this.stage.hide();
    this.banner.hide();
    this.setStatus('live');
  }

  private onMessage(msg: TerminalServerMessage): void {
    switch (msg.type) {
      case 'stage':
        if (msg.stage === 'ready') this.becameLive();
        else this.stage.setStage(msg.stage);
        break;
      case 'attached':
        this.banner.hide();
        if (msg.hostName && msg.hostName !== this.info.hostName) {
          this.info.hostName = msg.hostName;
          this.hooks.changed(this);
        }
        this.role = msg.role ?? 'owner';
        this.sizing.setRole(this.role, msg.cols, msg.rows);
        // The output that follows redraws the whole screen; clear ours so it is not drawn twice.
        if (msg.restored) this.kit.term.reset();
        // A fresh session still has stages to go; one that was already up is live again right away.
        if (msg.restored || this.everLive) this.becameLive();
        break;
      case 'size':
        this.sizing.setFixedSize(msg.cols, msg.rows);
        break;
      case 'viewers':
        this.viewers = msg.viewers;
        this.hooks.changed(this);
        break;
      case 'recording':
        this.recording = msg.active;
        this.hooks.changed(this);
        break;
      case 'resync':
        // This page fell behind and output was skipped: the whole screen follows.
        this.kit.term.reset();
        break;
      case 'hostkey':
      case 'prompt':
        this.questions.ask(msg, this.info.hostName, (answer) => {
          this.conn?.send(answer);
          this.kit.term.focus();
        });
        break;
      case 'error':
        this.explained = true;
        this.showEnd(errorNotice(msg, this.info.hostName, this.actions));
        break;
      case 'exit':
        this.explained = true;
        this.showEnd(exitNotice(msg, this.info.hostName, this.actions));
        break;
    }
  }

  private onState(state: ConnectionState): void {
    switch (state.kind) {
      case 'connecting':
        this.setStatus(state.attempt > 0 || this.everLive ? 'reconnecting' : 'connecting');
        if (state.attempt > 0) this.banner.show('Reconnecting…');
        break;
      case 'waiting': {
        this.questions.close();
        this.setStatus('reconnecting');
        const seconds = Math.max(1, Math.round(state.delayMs / 1000));
        const why = state.code === CloseCode.shuttingDown ? 'The gateway is restarting.' : 'Connection lost.';
        this.banner.show(`${why} Reconnecting in ${seconds} s…`, () => this.conn?.retryNow());
        break;
      }
      case 'closed':
        this.conn = null;
        this.viewers = [];
        this.questions.close();
        if (state.code === CloseCode.unauthorized) void api.me().catch(() => undefined); // raises the signed-out page
        if (!this.explained) this.showEnd(closeNotice(state.code, state.reason, this.actions));
        break;
      case 'open':
        break;
    }
  }

  private showEnd(end: EndNotice): void {
    this.stage.hide();
    this.banner.hide();
    this.notice.show(end.content);
    this.setStatus(end.status);
  }
}
