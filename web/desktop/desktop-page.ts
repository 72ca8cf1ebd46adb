// The desktop page (/desktop?host=ID or ?session=ID): toolbar, the remote screen, and the clipboard panel.
import type { SessionView } from '../../shared/api-types';
import { api, errorText } from '../api';
import { navigate } from '../router';
import type { Page } from '../shell';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';
import { DesktopView, KEY_COMBOS, KEYSYM, type DesktopState } from './desktop-view';

export function desktopPage(query: URLSearchParams): Page {
  const hostId = query.get('host');
  const sessionId = query.get('session');
  const title = h('h1', { class: 'desktop-title' }, 'Desktop');
  const status = h('span', { class: 'badge desktop-status', 'aria-live': 'polite' }, 'Connecting…');
  const stage = h('div', { class: 'desktop-stage' });
  const clipboardText = h('textarea', { class: 'textarea desktop-clipboard-text', id: 'desktop-clipboard', spellcheck: 'false', placeholder: 'Text here is sent to the remote clipboard; text copied there shows up here.' });
  const clipboardPanel = h(
    'aside',
    { class: 'card desktop-clipboard', hidden: true, 'aria-label': 'Clipboard' },
    h('label', { for: 'desktop-clipboard', class: 'label' }, 'Clipboard'),
    clipboardText,
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn btn-sm btn-primary', onclick: () => sendClipboard() }, 'Send to desktop'), h('span', { class: 'hint' }, 'Up to 256 KiB of text')),
  );
  const button = (label: string, iconName: Parameters<typeof icon>[0], onclick: () => void, extra: Record<string, string> = {}) =>
    h('button', { type: 'button', class: 'btn btn-ghost btn-sm', title: label, 'aria-label': label, onclick, ...extra }, icon(iconName, 16), h('span', { class: 'btn-label' }, label));
  // A toggle: pressed = scaled to fit the window; released = one remote pixel per screen pixel (scroll to pan).
  const fitButton = button('Fit to window', 'search', () => {
    if (!view) return;
    view.setFit(!view.isFit);
    fitButton.setAttribute('aria-pressed', String(view.isFit));
    fitButton.title = view.isFit ? 'Fit to window (on): click for actual size' : 'Actual size: click to fit the window';
  }, { 'aria-pressed': 'true' });
  const toolbar = h(
    'div',
    { class: 'desktop-toolbar', role: 'toolbar', 'aria-label': 'Desktop controls' },
    h('a', { class: 'btn btn-ghost btn-sm', href: '/hosts', 'aria-label': 'Back to hosts' }, icon('up', 16)),
    title,
    status,
    h('span', { class: 'spacer' }),
    fitButton,
    button('Ctrl+Alt+Del', 'key', () => view?.sendCombo([KEYSYM.ctrl, KEYSYM.alt, KEYSYM.del])),
    keysMenu(),
    button('Clipboard', 'copy', () => {
      clipboardPanel.hidden = !clipboardPanel.hidden;
      if (!clipboardPanel.hidden) clipboardText.focus();
    }),
    button('Full screen', 'upload', () => void toggleFullscreen()),
    button('Disconnect', 'close', () => void endSession()),
  );
  const el = h('div', { class: 'desktop-page' }, toolbar, h('div', { class: 'desktop-body' }, stage, clipboardPanel));
  let view: DesktopView | null = null;
  let session: SessionView | null = null;
  let disposed = false;

  /** More combos in a small menu; a native <details> keeps it keyboard- and screen-reader-friendly. */
  function keysMenu(): HTMLElement {
    const menu = h('details', { class: 'desktop-keys' });
    menu.append(
      h('summary', { class: 'btn btn-ghost btn-sm', title: 'Send a key combination', 'aria-label': 'Send a key combination' }, icon('down', 16), h('span', { class: 'btn-label' }, 'Keys')),
      h(
        'div',
        { class: 'card desktop-keys-list', role: 'menu' },
        KEY_COMBOS.map((combo) =>
          h('button', { type: 'button', class: 'btn btn-ghost btn-sm', role: 'menuitem', onclick: () => ((menu.open = false), view?.sendCombo(combo.keys)) }, combo.label),
        ),
      ),
    );
    return menu;
  }

  function setStatus(state: DesktopState, detail?: string): void {
    const text = { connecting: 'Connecting…', connected: 'Connected', failed: 'Failed', closed: 'Disconnected' }[state];
    status.textContent = text;
    status.className = `badge desktop-status ${state === 'connected' ? 'badge-ok' : state === 'failed' ? 'badge-warn' : ''}`;
    if (detail && state === 'failed') status.title = detail;
  }

  function sendClipboard(): void {
    view?.sendClipboard(clipboardText.value);
    toast('Sent to the remote clipboard', 'success', 1500);
    view?.focus();
  }

  async function toggleFullscreen(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await el.requestFullscreen().catch(() => toast('Full screen is not allowed here', 'error'));
    view?.focus();
  }

  async function endSession(): Promise<void> {
    if (session) await api.endSession(session.id).catch(() => undefined);
    navigate('/hosts');
  }

  function attach(s: SessionView): void {
    session = s;
    title.textContent = s.hostName;
    document.title = `${s.hostName} · Porthole`;
    view?.dispose();
    view = new DesktopView(s.id, s.hostName, {
      stateChanged: setStatus,
      remoteClipboard: (text) => {
        clipboardText.value = text;
      },
      reconnect: () => void open(),
    });
    fitButton.setAttribute('aria-pressed', 'true');
    stage.replaceChildren(view.el);
  }

  /** A fresh session for a host; Reconnect re-attaches to the same one while it lives (its grace period). */
  async function open(): Promise<void> {
    try {
      const live = session ? (await api.listSessions()).find((s) => s.id === session!.id && s.stage !== 'closed') : undefined;
      if (live) return attach(live);
      if (sessionId && !session) {
        const existing = (await api.listSessions()).find((s) => s.id === sessionId);
        if (existing) return attach(existing);
      }
      const id = session?.hostId ?? hostId;
      if (!id) throw new Error('no host chosen');
      const created = await api.createSession(id);
      if (!disposed) attach(created);
    } catch (err) {
      toast(`Could not open the desktop: ${errorText(err)}`, 'error');
      navigate('/hosts');
    }
  }

  void open();
  return {
    el,
    dispose() {
      disposed = true;
      view?.dispose();
    },
  };
}
