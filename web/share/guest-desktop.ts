// A guest's remote desktop (and an admin's watch): the owner's desktop view on another tunnel, scaled to fit; a read-only guest gets no input controls.
import type { ViewerRole } from '../../shared/terminal-protocol';
import { createDesktopToolbar } from '../desktop/desktop-toolbar';
import { DesktopView, type DesktopEndpoint } from '../desktop/desktop-view';
import { h } from '../ui/dom';
import { endText } from './guest-text';
import type { GuestSessionHooks } from './guest-terminal';

export class GuestDesktop {
  readonly el: HTMLElement;
  private view: DesktopView | null = null;
  private attached = false;
  private disposed = false;
  private readonly stage = h('div', { class: 'desktop-stage' });
  private readonly toolbar = createDesktopToolbar({
    view: () => this.view,
    fullscreenTarget: () => this.el,
  });

  /** `endpoint`: a guest's pass tunnel, or an admin's watch tunnel. */
  constructor(
    private readonly endpoint: DesktopEndpoint,
    private readonly hostName: string,
    private readonly hooks: GuestSessionHooks,
  ) {
    this.toolbar.setTitle(hostName);
    // Until the server names the role, offer nothing that would send input.
    this.toolbar.setRole('view');
    this.el = h('div', { class: 'desktop-page guest-desktop' }, this.toolbar.el, h('div', { class: 'desktop-body' }, this.stage, this.toolbar.clipboardPanel));
  }

  start(): void {
    this.view = new DesktopView(this.endpoint, this.hostName, {
      stateChanged: (state, detail) => {
        if (state === 'connected') this.attached = true;
        this.toolbar.setStatus(state, detail);
      },
      remoteClipboard: (text) => this.toolbar.setRemoteClipboard(text),
      reconnect: () => this.restart(),
      role: (role: ViewerRole) => {
        this.toolbar.setRole(role);
        this.hooks.role(role);
      },
      recording: (active) => this.hooks.recording?.(active),
      explainEnd: (_state, detail) => {
        if (this.disposed) return true; // our own dispose() disconnects: not an end to report
        this.hooks.ended(endText(0, detail), this.attached);
        return true;
      },
    });
    this.stage.replaceChildren(this.view.el);
  }

  focus(): void {
    this.view?.focus();
  }

  dispose(): void {
    this.disposed = true;
    this.view?.dispose();
    this.el.remove();
  }

  private restart(): void {
    this.view?.dispose();
    this.start();
  }
}
