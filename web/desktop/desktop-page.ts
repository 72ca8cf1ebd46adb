// The desktop page (/desktop?host=ID or ?session=ID): toolbar, the remote screen, the clipboard panel, and who is watching.
import type { SessionView } from '../../shared/api-types';
import { api, errorText } from '../api';
import { navigate } from '../router';
import { createSessionTools } from '../shares/session-tools';
import type { SessionViewerInfo } from '../../shared/share-types';
import type { Page } from '../shell';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';
import { createDesktopToolbar } from './desktop-toolbar';
import { DesktopView, sessionEndpoint, type DesktopState } from './desktop-view';

/** `canShare`: show "Share this session" (the person's grants allow sharing at all). */
export function desktopPage(query: URLSearchParams, canShare: boolean): Page {
  const hostId = query.get('host');
  const sessionId = query.get('session');
  const stage = h('div', { class: 'desktop-stage' });
  const tools = createSessionTools(canShare);
  const toolbar = createDesktopToolbar({
    view: () => view,
    fullscreenTarget: () => el,
    start: h('a', { class: 'btn btn-ghost btn-sm', href: '/hosts', 'aria-label': 'Back to hosts' }, icon('up', 16)),
    middle: [tools.el],
    disconnect: { label: 'Disconnect', run: () => void endSession() },
  });
  const el = h('div', { class: 'desktop-page' }, toolbar.el, h('div', { class: 'desktop-body' }, stage, toolbar.clipboardPanel));
  let view: DesktopView | null = null;
  let session: SessionView | null = null;
  let state: DesktopState = 'connecting';
  let viewers: SessionViewerInfo[] = [];
  let recording = false;
  let disposed = false;

  function updateTools(): void {
    const owner = view?.viewerRole === 'owner';
    tools.update(session && owner ? { sessionId: session.id, hostName: session.hostName, protocol: session.protocol, viewers, recording, live: state === 'connected' } : null);
  }

  async function endSession(): Promise<void> {
    if (session) await api.endSession(session.id).catch(() => undefined);
    navigate('/hosts');
  }

  function attach(s: SessionView): void {
    session = s;
    toolbar.setTitle(s.hostName);
    document.title = `${s.hostName} · Porthole`;
    view?.dispose();
    viewers = [];
    recording = false;
    view = new DesktopView(sessionEndpoint(s.id), s.hostName, {
      stateChanged: (next, detail) => {
        state = next;
        if (next !== 'connected') viewers = [];
        toolbar.setStatus(next, detail);
        updateTools();
      },
      remoteClipboard: (text) => toolbar.setRemoteClipboard(text),
      reconnect: () => void open(),
      role: (role) => {
        toolbar.setRole(role);
        updateTools();
      },
      viewers: (list) => {
        viewers = list;
        updateTools();
      },
      recording: (active) => {
        recording = active;
        updateTools();
      },
    });
    toolbar.resetFit();
    stage.replaceChildren(view.el);
    updateTools();
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
