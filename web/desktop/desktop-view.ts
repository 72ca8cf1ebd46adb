// One remote desktop in the page: guacamole-common-js over our tunnel, scaled to fit or 1:1, with keyboard, mouse and clipboard.
import Guacamole from 'guacamole-common-js';
import { RECORDING_OPCODE, ROLE_OPCODE, STAGE_OPCODE, VIEWERS_OPCODE } from '../../shared/guac-status';
import type { SessionViewerInfo } from '../../shared/share-types';
import type { ViewerRole } from '../../shared/terminal-protocol';
import { CONNECT_STAGES, type ConnectStage } from '../../shared/terminal-kinds';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { createStageOverlay } from '../terminal/overlays';

export type DesktopState = 'connecting' | 'connected' | 'failed' | 'closed';

export interface DesktopViewHooks {
  stateChanged(state: DesktopState, detail?: string): void;
  remoteClipboard(text: string): void;
  reconnect(): void;
  /** From `porthole-role`: a `view` page sends no input at all, and only an owner asks for a size. */
  role?(role: ViewerRole): void;
  /** From `porthole-viewers` (owner only): who is attached now. */
  viewers?(viewers: SessionViewerInfo[]): void;
  /** From `porthole-recording`: whether the session is being recorded. */
  recording?(active: boolean): void;
  /** Return true when the page explains the end itself (a guest's "link revoked"), so the view shows no card of its own. */
  explainEnd?(state: 'failed' | 'closed', detail: string): boolean;
}

/** Where a desktop's tunnel goes: the owner's session URL, or the guest URL with a pass in the connect data. */
export interface DesktopEndpoint {
  tunnelUrl: string;
  /** The tunnel's connect query for the size this page would like. */
  connectData(size: { width: number; height: number }): string;
}

const ROLES: readonly ViewerRole[] = ['owner', 'control', 'view'];

/** X11 keysyms of the modifier keys, for the combos a browser would swallow (Ctrl+Alt+Del, Alt+Tab...). */
export const KEYSYM = { ctrl: 0xffe3, alt: 0xffe9, del: 0xffff, tab: 0xff09, esc: 0xff1b, super: 0xffeb, f4: 0xffc1, backspace: 0xff08, print: 0xff61 } as const;

/** Combos the local system or browser would take for itself, offered from the toolbar. */
export const KEY_COMBOS: { label: string; keys: number[] }[] = [
  { label: 'Ctrl+Alt+Del', keys: [KEYSYM.ctrl, KEYSYM.alt, KEYSYM.del] },
  { label: 'Ctrl+Alt+Backspace', keys: [KEYSYM.ctrl, KEYSYM.alt, KEYSYM.backspace] },
  { label: 'Alt+Tab', keys: [KEYSYM.alt, KEYSYM.tab] },
  { label: 'Alt+F4', keys: [KEYSYM.alt, KEYSYM.f4] },
  { label: 'Ctrl+Esc', keys: [KEYSYM.ctrl, KEYSYM.esc] },
  { label: 'Super (Windows key)', keys: [KEYSYM.super] },
  { label: 'Print Screen', keys: [KEYSYM.print] },
];

export function desktopTunnelUrl(sessionId: string, loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api/sessions/${encodeURIComponent(sessionId)}/desktop`;
}

/** The owner's endpoint for a session. */
export function sessionEndpoint(sessionId: string): DesktopEndpoint {
  return { tunnelUrl: desktopTunnelUrl(sessionId), connectData: ({ width, height }) => `width=${width}&height=${height}` };
}

export class DesktopView {
  readonly el: HTMLElement;
  private readonly screen: HTMLElement;
  private readonly client: Guacamole.Client;
  private readonly keyboard: Guacamole.Keyboard;
  private readonly overlay = createStageOverlay(() => this.disconnect(), { starting: 'Starting the desktop', authenticating: 'Logging in to the desktop' });
  private readonly failure: HTMLElement;
  private fit = true;
  private state: DesktopState = 'connecting';
  private role: ViewerRole = 'owner';
  private readonly resizeObserver: ResizeObserver;
  private resizeTimer: number | undefined;
  private disposed = false;

  constructor(
    endpoint: DesktopEndpoint,
    readonly hostName: string,
    private readonly hooks: DesktopViewHooks,
  ) {
    this.screen = h('div', { class: 'desktop-screen', tabindex: '0', 'aria-label': `Remote desktop of ${hostName}`, role: 'application' });
    this.failure = h('div', { class: 'stage-overlay', hidden: true });
    this.el = h('div', { class: 'desktop-view' }, this.screen, this.overlay.el, this.failure);

    const tunnel = new Guacamole.WebSocketTunnel(endpoint.tunnelUrl);
    this.client = new Guacamole.Client(tunnel);
    // Our stage instruction arrives before the first frame; the stock client would ignore it.
    const handle = tunnel.oninstruction;
    tunnel.oninstruction = (opcode, args) => {
      if (opcode === STAGE_OPCODE) {
        const stage = String(args[0]) as ConnectStage;
        if ((CONNECT_STAGES as readonly string[]).includes(stage)) this.overlay.setStage(stage);
        return;
      }
      if (opcode === ROLE_OPCODE) {
        const role = String(args[0]) as ViewerRole;
        if (ROLES.includes(role)) this.setRole(role);
        return;
      }
      if (opcode === RECORDING_OPCODE) {
        this.hooks.recording?.(String(args[0]) === '1');
        return;
      }
      if (opcode === VIEWERS_OPCODE) {
        try {
          this.hooks.viewers?.(JSON.parse(String(args[0])) as SessionViewerInfo[]);
        } catch {
          console.warn('porthole: ignored a viewer list that is not JSON');
        }
        return;
      }
      handle?.(opcode, args);
    };
    const display = this.client.getDisplay();
    this.screen.append(display.getElement());
    display.onresize = () => this.rescale();

    this.client.onstatechange = (state) => {
      // 3 = CONNECTED (the first frame arrived), 5 = DISCONNECTED.
      if (state === 3) this.setState('connected');
      else if (state === 5 && this.state !== 'failed') this.setState('closed', 'The desktop session ended.');
    };
    this.client.onerror = (status) => this.setState('failed', status.message || `The desktop connection failed (code ${status.code}).`);
    this.client.onclipboard = (stream, mimetype) => {
      if (!/^text\//.test(mimetype)) return;
      const reader = new Guacamole.StringReader(stream);
      let text = '';
      reader.ontext = (chunk) => (text += chunk);
      reader.onend = () => this.hooks.remoteClipboard(text);
    };

    const mouse = new Guacamole.Mouse(this.screen);
    mouse.onEach(['mousedown', 'mousemove', 'mouseup'], (e) => {
      if (this.state !== 'connected' || this.role === 'view') return;
      this.screen.focus({ preventScroll: true });
      this.client.sendMouseState((e as Guacamole.Mouse.Event).state, true);
    });
    // Keys go to the desktop only while it has focus, so the page's own fields keep working.
    this.keyboard = new Guacamole.Keyboard(this.screen);
    this.keyboard.onkeydown = (keysym) => {
      if (this.state === 'connected' && this.role !== 'view') this.client.sendKeyEvent(1, keysym);
      return false;
    };
    this.keyboard.onkeyup = (keysym) => {
      if (this.state === 'connected' && this.role !== 'view') this.client.sendKeyEvent(0, keysym);
    };

    // Connect once the screen is laid out, so the desktop starts at the window's size (a servers that
    // follows the client, like xrdp or Xvnc, would otherwise start at the 640x480 floor and stay there).
    let started = false;
    const start = () => {
      if (started || this.disposed) return;
      started = true;
      window.clearTimeout(fallback);
      this.client.connect(endpoint.connectData(this.targetSize()));
    };
    // Never laid out (a hidden tab): connect anyway, at the floor size, and follow the window later.
    const fallback = window.setTimeout(start, 1_000);
    this.resizeObserver = new ResizeObserver(() => {
      if (!started) {
        if (this.screen.getBoundingClientRect().width > 0) start();
        return;
      }
      this.onContainerResize();
    });
    this.resizeObserver.observe(this.screen);
    this.overlay.show(hostName);
  }

  /** What this page may do on the desktop, as the server said. */
  get viewerRole(): ViewerRole {
    return this.role;
  }

  get isFit(): boolean {
    return this.fit;
  }

  setFit(fit: boolean): void {
    this.fit = fit;
    this.el.classList.toggle('is-actual-size', !fit);
    this.rescale();
  }

  focus(): void {
    this.screen.focus({ preventScroll: true });
  }

  /** Presses and releases a combination in order (e.g. Ctrl+Alt+Del), which the local OS would otherwise catch. */
  sendCombo(keysyms: number[]): void {
    if (this.state !== 'connected' || this.role === 'view') return;
    for (const k of keysyms) this.client.sendKeyEvent(1, k);
    for (const k of [...keysyms].reverse()) this.client.sendKeyEvent(0, k);
    this.focus();
  }

  sendClipboard(text: string): void {
    if (this.role === 'view') return;
    const stream = this.client.createClipboardStream('text/plain');
    const writer = new Guacamole.StringWriter(stream);
    writer.sendText(text);
    writer.sendEnd();
  }

  disconnect(): void {
    this.client.disconnect();
  }

  dispose(): void {
    this.disposed = true;
    this.resizeObserver.disconnect();
    window.clearTimeout(this.resizeTimer);
    this.keyboard.onkeydown = null;
    this.keyboard.onkeyup = null;
    this.client.disconnect();
    this.el.remove();
  }

  /** For tests and the benchmark: the screen layer's canvas. */
  canvas(): HTMLCanvasElement {
    return this.client.getDisplay().getDefaultLayer().getCanvas();
  }

  private setState(state: DesktopState, detail?: string): void {
    if (this.state === 'failed' && state === 'closed') return;
    this.state = state;
    if (state === 'connected') {
      this.overlay.hide();
      this.rescale();
      this.focus();
    } else if (state === 'failed' || state === 'closed') {
      this.overlay.hide();
      if (this.hooks.explainEnd?.(state, detail ?? '')) {
        this.hooks.stateChanged(state, detail);
        return;
      }
      this.failure.replaceChildren(
        h(
          'div',
          { class: 'card stage-card', role: 'alert' },
          h('div', { class: 'row stage-title' }, icon(state === 'failed' ? 'warning' : 'plug', 18), h('h2', null, state === 'failed' ? `Could not open ${this.hostName}` : `${this.hostName} disconnected`)),
          h('p', null, detail ?? ''),
          h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => this.hooks.reconnect() }, icon('refresh', 16), 'Reconnect')),
        ),
      );
      this.failure.hidden = false;
    }
    this.hooks.stateChanged(state, detail);
  }

  private setRole(role: ViewerRole): void {
    this.role = role;
    this.el.classList.toggle('is-read-only', role === 'view');
    this.hooks.role?.(role);
  }

  private targetSize(): { width: number; height: number } {
    // CSS pixels, not device pixels: a desktop sized to a HiDPI canvas would make its text tiny.
    const rect = this.screen.getBoundingClientRect();
    return { width: Math.max(640, Math.round(rect.width)), height: Math.max(480, Math.round(rect.height)) };
  }

  private rescale(): void {
    const display = this.client.getDisplay();
    const w = display.getWidth();
    const hgt = display.getHeight();
    if (!w || !hgt) return;
    const box = this.screen.getBoundingClientRect();
    display.scale(this.fit ? Math.min(box.width / w, box.height / hgt, 4) : 1);
  }

  private onContainerResize(): void {
    this.rescale();
    // Ask the remote desktop to follow the window once resizing settles (servers that cannot just get scaled).
    window.clearTimeout(this.resizeTimer);
    this.resizeTimer = window.setTimeout(() => {
      // Only the owner sizes the remote screen; everyone else scales what the owner sees.
      if (this.state !== 'connected' || !this.fit || this.role !== 'owner') return;
      const { width, height } = this.targetSize();
      this.client.sendSize(width, height);
    }, 400);
  }
}
