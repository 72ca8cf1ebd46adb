// The bar over a remote desktop: title, status, fit/actual size, key combos, clipboard, full screen; input controls hide for a read-only viewer.
import type { ViewerRole } from '../../shared/terminal-protocol';
import { h } from '../ui/dom';
import { icon, type IconName } from '../ui/icons';
import { toast } from '../ui/toast';
import { KEY_COMBOS, KEYSYM, type DesktopState, type DesktopView } from './desktop-view';

export interface DesktopToolbarOptions {
  /** The view in front now (it is replaced on Reconnect). */
  view(): DesktopView | null;
  /** What goes full screen: the whole page, so the bar stays reachable. */
  fullscreenTarget(): HTMLElement;
  /** Before the title: a Back link on the owner's page. */
  start?: HTMLElement | null;
  /** After the status: the owner's session tools, a guest's read-only badge. */
  middle?: HTMLElement[];
  /** Disconnect button (omitted: none). */
  disconnect?: { label: string; run(): void };
}

export interface DesktopToolbar {
  el: HTMLElement;
  clipboardPanel: HTMLElement;
  setTitle(text: string): void;
  setStatus(state: DesktopState, detail?: string): void;
  setRemoteClipboard(text: string): void;
  /** A `view` role hides everything that would send input; fit resets with each new view. */
  setRole(role: ViewerRole): void;
  resetFit(): void;
}

export function createDesktopToolbar(o: DesktopToolbarOptions): DesktopToolbar {
  const title = h('h1', { class: 'desktop-title' }, 'Desktop');
  const status = h('span', { class: 'badge desktop-status', 'aria-live': 'polite' }, 'Connecting…');
  const clipboardText = h('textarea', { class: 'textarea desktop-clipboard-text', id: 'desktop-clipboard', spellcheck: 'false', placeholder: 'Text here is sent to the remote clipboard; text copied there shows up here.' });
  const clipboardPanel = h(
    'aside',
    { class: 'card desktop-clipboard', hidden: true, 'aria-label': 'Clipboard' },
    h('label', { for: 'desktop-clipboard', class: 'label' }, 'Clipboard'),
    clipboardText,
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn btn-sm btn-primary', onclick: () => sendClipboard() }, 'Send to desktop'), h('span', { class: 'hint' }, 'Up to 256 KiB of text')),
  );
  const button = (label: string, iconName: IconName, onclick: () => void, extra: Record<string, string> = {}) =>
    h('button', { type: 'button', class: 'btn btn-ghost btn-sm', title: label, 'aria-label': label, onclick, ...extra }, icon(iconName, 16), h('span', { class: 'btn-label' }, label));
  // A toggle: pressed = scaled to fit the window; released = one remote pixel per screen pixel (scroll to pan).
  const fitButton = button('Fit to window', 'search', () => {
    const view = o.view();
    if (!view) return;
    view.setFit(!view.isFit);
    fitButton.setAttribute('aria-pressed', String(view.isFit));
    fitButton.title = view.isFit ? 'Fit to window (on): click for actual size' : 'Actual size: click to fit the window';
  }, { 'aria-pressed': 'true' });
  const inputControls = [
    button('Ctrl+Alt+Del', 'key', () => o.view()?.sendCombo([KEYSYM.ctrl, KEYSYM.alt, KEYSYM.del])),
    keysMenu(),
    button('Clipboard', 'copy', () => {
      clipboardPanel.hidden = !clipboardPanel.hidden;
      if (!clipboardPanel.hidden) clipboardText.focus();
    }),
  ];
  const el = h(
    'div',
    { class: 'desktop-toolbar', role: 'toolbar', 'aria-label': 'Desktop controls' },
    o.start ?? null,
    title,
    status,
    o.middle ?? [],
    h('span', { class: 'spacer' }),
    fitButton,
    inputControls,
    button('Full screen', 'upload', () => void toggleFullscreen()),
    o.disconnect ? button(o.disconnect.label, 'close', () => o.disconnect!.run()) : null,
  );

  /** More combos in a small menu; a native <details> keeps it keyboard- and screen-reader-friendly. */
  function keysMenu(): HTMLElement {
    const menu = h('details', { class: 'desktop-keys' });
    menu.append(
      h('summary', { class: 'btn btn-ghost btn-sm', title: 'Send a key combination', 'aria-label': 'Send a key combination' }, icon('down', 16), h('span', { class: 'btn-label' }, 'Keys')),
      h(
        'div',
        { class: 'card desktop-keys-list', role: 'menu' },
        KEY_COMBOS.map((combo) =>
          h('button', { type: 'button', class: 'btn btn-ghost btn-sm', role: 'menuitem', onclick: () => ((menu.open = false), o.view()?.sendCombo(combo.keys)) }, combo.label),
        ),
      ),
    );
    return menu;
  }

  function sendClipboard(): void {
    o.view()?.sendClipboard(clipboardText.value);
    toast('Sent to the remote clipboard', 'success', 1500);
    o.view()?.focus();
  }

  async function toggleFullscreen(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await o.fullscreenTarget().requestFullscreen().catch(() => toast('Full screen is not allowed here', 'error'));
    o.view()?.focus();
  }

  return {
    el,
    clipboardPanel,
    setTitle(text) {
      title.textContent = text;
    },
    setStatus(state, detail) {
      status.textContent = { connecting: 'Connecting…', connected: 'Connected', failed: 'Failed', closed: 'Disconnected' }[state];
      status.className = `badge desktop-status ${state === 'connected' ? 'badge-ok' : state === 'failed' ? 'badge-warn' : ''}`;
      if (detail && state === 'failed') status.title = detail;
    },
    setRemoteClipboard(text) {
      clipboardText.value = text;
    },
    setRole(role) {
      for (const c of inputControls) c.hidden = role === 'view';
      if (role === 'view') clipboardPanel.hidden = true;
    },
    resetFit() {
      fitButton.setAttribute('aria-pressed', 'true');
    },
  };
}
