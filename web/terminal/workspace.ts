// The terminal page: tabs of sessions, restored from the gateway on load, with tab-switching shortcuts.
import type { SessionView } from '../../shared/api-types';
import { api, ApiRequestError, errorText } from '../api';
import { currentRoute, navigate } from '../router';
import { showDialog } from '../ui/dialog';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';
import { createSessionTools } from '../shares/session-tools';
import { shortcutHelp, workspaceShortcut } from './shortcuts';
import { createTabBar } from './tab-bar';
import { detachedSessions, pruneDetached, rememberActive, rememberedActive, setDetached } from './tab-store';
import { TerminalTab } from './terminal-tab';

export interface WorkspaceHooks {
  /** The person may create share links (MeView permissions). */
  canShare: boolean;
  onTabsChanged(count: number): void;
  /** The last tab closed while the page was showing. */
  onEmpty(): void;
}

export class TerminalWorkspace {
  readonly el: HTMLElement;
  private tabs: TerminalTab[] = [];
  private active: TerminalTab | null = null;
  private visible = false;
  /** Sessions being created by Connect right now. */
  private opening = 0;
  private readonly panes = h('div', { class: 'panes' });
  private readonly sessionTools: ReturnType<typeof createSessionTools>;
  private readonly tabBar: ReturnType<typeof createTabBar>;
  private readonly onKey = (ev: KeyboardEvent): void => {
    // Not while a dialog is open: switching tabs behind a host-key question would be confusing.
    const action = this.visible && !document.querySelector('dialog[open]') ? workspaceShortcut(ev) : null;
    if (!action) return;
    ev.preventDefault();
    ev.stopPropagation();
    const i = this.active ? this.tabs.indexOf(this.active) : -1;
    const target = action.kind === 'index' ? this.tabs[action.index] : this.tabs[(i + action.step + this.tabs.length) % this.tabs.length];
    if (target) this.select(target);
  };

  constructor(private readonly hooks: WorkspaceHooks) {
    this.sessionTools = createSessionTools(hooks.canShare);
    this.tabBar = createTabBar({
      select: (tab) => this.select(tab),
      close: (tab) => void this.requestClose(tab),
      help: () => showDialog({ title: 'Keyboard shortcuts', body: [shortcutHelp()], actions: [], cancelLabel: 'Close', size: 'sm' }),
      tools: this.sessionTools.el,
    });
    this.el = h('section', { class: 'workspace', 'aria-label': 'Terminals', hidden: true }, this.tabBar.el, this.panes);
    // Capture phase: runs before xterm.js sees the key, so tab switching never reaches the shell.
    window.addEventListener('keydown', this.onKey, true);
  }

  get openSessionIds(): Set<string> {
    return new Set(this.tabs.map((t) => t.info.sessionId));
  }

  /** On page load: a tab for every live session this browser did not detach on purpose. */
  async restore(): Promise<void> {
    let sessions: SessionView[];
    try {
      sessions = await api.listSessions();
    } catch {
      return; // The hosts page shows the gateway's state; no need to shout twice.
    }
    const live = sessions.filter((s) => s.stage !== 'closed' && s.protocol === 'ssh').sort((a, b) => a.createdAt - b.createdAt);
    pruneDetached(new Set(live.map((s) => s.id)));
    const detached = detachedSessions();
    for (const s of live) if (!detached.has(s.id)) this.add(s);
    const remembered = this.tabs.find((t) => t.info.sessionId === rememberedActive());
    // A Connect link being opened right now wins over the remembered tab (which then stays unattached).
    if (!this.active && !this.opening) this.select(remembered ?? this.tabs[0] ?? null);
  }

  show(openHostId?: string | null, username?: string): void {
    this.visible = true;
    this.el.hidden = false;
    if (openHostId) {
      void this.openHost(openHostId, username).then(() => {
        if (!this.active) this.select(this.tabs[0] ?? null);
      });
      return;
    }
    this.select(this.active ?? this.tabs[0] ?? null);
  }

  hide(): void {
    this.visible = false;
    this.el.hidden = true;
  }

  /** Connect button: a new session on the gateway, then a tab attached to it. `username` is for tailnet machines. */
  async openHost(hostId: string, username?: string): Promise<void> {
    this.opening += 1;
    try {
      const session = await api.createSession(hostId, username);
      this.select(this.add(session));
      navigate('/terminal');
    } catch (err) {
      toast(`Could not open a session: ${errorText(err)}`, 'error');
      // A refused Connect link must not leave the person on an empty terminal page.
      if (this.tabs.length === 0 && currentRoute().path === '/terminal') navigate('/hosts');
    } finally {
      this.opening -= 1;
    }
  }

  /** Re-opens a session that is running in the background (detached, or open in another browser). */
  attachExisting(session: SessionView): void {
    setDetached(session.id, false);
    this.select(this.tabs.find((t) => t.info.sessionId === session.id) ?? this.add(session));
    navigate('/terminal');
  }

  dispose(): void {
    window.removeEventListener('keydown', this.onKey, true);
    for (const tab of this.tabs) tab.dispose();
    this.tabs = [];
  }

  private add(session: SessionView): TerminalTab {
    const existing = this.tabs.find((t) => t.info.sessionId === session.id);
    if (existing) return existing;
    const tab = new TerminalTab(
      { sessionId: session.id, hostId: session.hostId, hostName: session.hostName },
      {
        changed: () => this.render(),
        requestClose: (t) => void this.requestClose(t),
        sessionReplaced: (t) => {
          if (this.active === t) rememberActive(t.info.sessionId);
        },
        isWorkspaceKey: (ev) => workspaceShortcut(ev) !== null,
      },
      session.stage === 'ready',
    );
    this.tabs.push(tab);
    this.panes.append(tab.el);
    this.render();
    return tab;
  }

  private select(tab: TerminalTab | null): void {
    if (this.active && this.active !== tab) this.active.deactivate();
    this.active = tab;
    if (tab) {
      rememberActive(tab.info.sessionId);
      // Attaching waits until the page is looked at, so a second browser window does not take over every session.
      if (this.visible) tab.activate();
      if (this.visible) document.title = `${tab.label} · Porthole`;
    }
    this.render();
  }

  private async requestClose(tab: TerminalTab): Promise<void> {
    const running = tab.status === 'live' || tab.status === 'connecting' || tab.status === 'reconnecting' || tab.status === 'idle';
    if (running) {
      const choice = await showDialog<'end' | 'detach'>({
        title: `Close ${tab.label}?`,
        size: 'sm',
        body: [
          h('p', null, 'End the session, or keep it running at the gateway and open it again later from the Hosts page.'),
          h('p', { class: 'muted' }, 'Anything running in the shell stops when the session ends.'),
        ],
        actions: [
          { label: 'Keep running', variant: 'secondary', run: () => 'detach' },
          { label: 'End session', variant: 'danger', isDefault: true, run: () => endSession(tab.info.sessionId) },
        ],
      }).result;
      if (!choice) return tab.focus();
      if (choice === 'detach') setDetached(tab.info.sessionId, true);
    }
    this.remove(tab);
  }

  private remove(tab: TerminalTab): void {
    const index = this.tabs.indexOf(tab);
    if (index < 0) return;
    tab.dispose();
    this.tabs.splice(index, 1);
    if (this.active === tab) {
      this.active = null;
      this.select(this.tabs[Math.min(index, this.tabs.length - 1)] ?? null);
    } else {
      this.render();
    }
    if (this.tabs.length === 0 && this.visible) this.hooks.onEmpty();
  }

  private render(): void {
    this.tabBar.render(this.tabs, this.active);
    const a = this.active;
    // Sharing and the viewer list belong to the owner of the session in front.
    this.sessionTools.update(a && a.role === 'owner' ? { sessionId: a.info.sessionId, hostName: a.info.hostName, protocol: 'ssh', viewers: a.viewers, recording: a.recording, live: a.status === 'live' } : null);
    this.hooks.onTabsChanged(this.tabs.length);
    this.panes.querySelector('.workspace-empty')?.remove();
    if (this.tabs.length === 0) this.renderEmpty();
  }

  private renderEmpty(): void {
    if (this.panes.querySelector('.workspace-empty')) return;
    this.panes.append(
      h(
        'div',
        { class: 'workspace-empty empty' },
        icon('terminal', 32),
        h('h2', null, 'No terminals open'),
        h('p', null, 'Pick a host to open a shell on it.'),
        h('a', { class: 'btn btn-primary', href: '/hosts' }, 'Go to Hosts'),
      ),
    );
  }
}

/** Ends a session; one that is already gone (404) counts as ended. */
async function endSession(sessionId: string): Promise<'end'> {
  try {
    await api.endSession(sessionId);
  } catch (err) {
    if (!(err instanceof ApiRequestError && err.status === 404)) throw err;
  }
  return 'end';
}
