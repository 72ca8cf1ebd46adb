// The hosts page (/ and /hosts): stored hosts and tailnet machines as cards with Connect, admin tools, and running sessions.
import type { HostView, MeView, PeerView, SessionView } from '../../shared/api-types';
import { api, errorText } from '../api';
import { navigate } from '../router';
import type { Page } from '../shell';
import type { TerminalWorkspace } from '../terminal/workspace';
import { h, replaceChildren } from '../ui/dom';
import { runConfirmed } from '../ui/confirmed-action';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';
import { openShareDialog } from '../shares/share-dialog';
import { accessNotice, hasNoAccess } from './access-notice';
import { hostCard } from './host-card';
import { openHostForm } from './host-form';
import { peerCard } from './peer-card';
import { runningSessions } from './running-sessions';
import { pageHead } from '../ui/page-head';

/** The remote account for a tailnet machine when none is typed: the login's local part, as the server defaults. */
export function defaultRemoteUser(me: MeView): string {
  return me.identity.login?.split('@')[0]?.toLowerCase().replace(/[^a-z0-9._-]/g, '') || 'root';
}

/** Case-insensitive match on name, address or tags; an empty filter matches everything. */
export function matchesFilter(filter: string, fields: readonly string[]): boolean {
  const needle = filter.trim().toLowerCase();
  return !needle || fields.some((f) => f.toLowerCase().includes(needle));
}

export function hostsPage({ workspace, me }: { workspace: TerminalWorkspace; me: MeView }): Page {
  const manageHosts = me.permissions.manageHosts;
  const tailnet = me.mode === 'tailnet';
  const list = h('div', { class: 'host-grid', 'aria-busy': 'true' }, skeletons());
  const peerList = h('div', { class: 'host-grid', 'aria-busy': 'true' }, skeletons());
  const sessionsSlot = h('div');
  const filterInput = h('input', { class: 'input', type: 'search', id: 'host-filter', placeholder: 'Filter by name, address or tag', autocomplete: 'off', 'aria-label': 'Filter hosts' });
  const addButton = manageHosts ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void add() }, icon('plus', 16), 'Add host') : null;
  const noAccess = hasNoAccess(me);
  // In local mode the page title already says Hosts; in tailnet mode two kinds of host sit side by side.
  const storedSection = h(
    'section',
    { class: 'section', 'aria-labelledby': 'stored-title', hidden: noAccess },
    h('h2', { id: 'stored-title', class: tailnet ? 'section-title' : 'sr-only' }, icon('server', 18), 'Saved hosts'),
    list,
  );
  const peerCount = h('span', { class: 'count-badge' });
  const peerSection = tailnet
    ? h(
        'section',
        { class: 'section', 'aria-labelledby': 'tailnet-title', hidden: noAccess },
        h('h2', { id: 'tailnet-title', class: 'section-title' }, icon('mesh', 18), 'Tailnet machines', peerCount),
        h('p', { class: 'muted section-sub' }, 'Listed live from tailscaled. SSH logs in as the user you type (Tailscale SSH lets the gateway straight in; other hosts ask for the password here).'),
        peerList,
      )
    : null;
  const el = h(
    'div',
    { class: 'page' },
    pageHead('Hosts', tailnet ? 'Machines you may open a terminal or desktop on, from your grants.' : 'Machines you can open a terminal or desktop on.', addButton),
    noAccess ? accessNotice(me) : null,
    tailnet && !noAccess ? h('div', { class: 'host-filter' }, icon('search', 16), filterInput) : null,
    storedSection,
    peerSection,
    sessionsSlot,
  );
  let disposed = false;
  let hosts: HostView[] = [];
  let peers: PeerView[] = [];
  let peerError: string | null = null;

  async function load(): Promise<void> {
    try {
      const [loadedHosts, sessions, loadedPeers] = await Promise.all([
        api.listHosts(),
        api.listSessions().catch((): SessionView[] => []),
        tailnet ? api.listPeers().then((p) => ({ ok: true as const, p }), (err: unknown) => ({ ok: false as const, err })) : null,
      ]);
      if (disposed) return;
      hosts = loadedHosts.sort((a, b) => a.name.localeCompare(b.name));
      if (loadedPeers?.ok) [peers, peerError] = [loadedPeers.p, null];
      else if (loadedPeers) peerError = errorText(loadedPeers.err);
      render();
      replaceChildren(sessionsSlot, runningSessions(sessions, workspace.openSessionIds, { open: (s) => (s.protocol === 'ssh' ? workspace.attachExisting(s) : navigate(`/desktop?session=${encodeURIComponent(s.id)}`)), changed: () => void load() }));
    } catch (err) {
      if (disposed) return;
      list.removeAttribute('aria-busy');
      replaceChildren(list, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Could not load hosts: ${errorText(err)}`)));
    }
  }

  function render(): void {
    const filter = filterInput.value;
    renderHosts(hosts.filter((x) => matchesFilter(filter, [x.name, x.address])));
    if (tailnet) renderPeers(peers.filter((p) => matchesFilter(filter, [p.name, p.dnsName, p.os, ...p.addresses, ...p.tags])));
  }
  filterInput.addEventListener('input', render);

  function renderHosts(shown: HostView[]): void {
    list.removeAttribute('aria-busy');
    // In tailnet mode a person without stored hosts still has the tailnet section: hide the empty block.
    storedSection.hidden = noAccess || (tailnet && hosts.length === 0 && !manageHosts);
    if (shown.length === 0) {
      const filtered = hosts.length > 0;
      replaceChildren(
        list,
        h(
          'div',
          { class: 'empty host-empty' },
          icon('server', 32),
          h('h2', null, filtered ? 'No host matches' : manageHosts ? 'No hosts yet' : 'No hosts for you'),
          h('p', null, filtered ? 'Try another filter.' : manageHosts ? 'Add a machine of your lab, or list hosts in porthole.yaml.' : 'An admin adds hosts; your grants decide which you see.'),
          manageHosts && !filtered ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void add() }, icon('plus', 16), 'Add your first host') : null,
        ),
      );
      return;
    }
    replaceChildren(
      list,
      shown.map((host) =>
        hostCard(host, {
          manageHosts,
          connect: (hv, button) => {
            button.classList.add('is-busy');
            void workspace.openHost(hv.id).finally(() => button.classList.remove('is-busy'));
          },
          edit: (hv) => void edit(hv),
          remove: (hv) => void remove(hv),
          changed: () => void load(),
          share: me.permissions.share ? (hv) => void openShareDialog({ kind: 'host', hostId: hv.id, hostName: hv.name, protocol: hv.protocol }) : undefined,
        }),
      ),
    );
  }

  function renderPeers(shown: PeerView[]): void {
    peerList.removeAttribute('aria-busy');
    peerCount.textContent = String(peers.length);
    if (peerError) {
      replaceChildren(peerList, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, peerError)));
      return;
    }
    if (shown.length === 0) {
      replaceChildren(peerList, h('div', { class: 'empty' }, h('p', { class: 'muted' }, peers.length ? 'No machine matches.' : 'No tailnet machine is open to you.')));
      return;
    }
    // Online machines first: the ones a person can reach right now.
    const ordered = [...shown].sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
    replaceChildren(
      peerList,
      ordered.map((peer) =>
        peerCard(peer, {
          manageHosts,
          defaultUser: defaultRemoteUser(me),
          connect: (p, username, button) => {
            button.classList.add('is-busy');
            void workspace.openHost(p.id, username).finally(() => button.classList.remove('is-busy'));
          },
          changed: () => void load(),
        }),
      ),
    );
  }

  async function add(): Promise<void> {
    const host = await openHostForm(null);
    if (host) {
      toast(`${host.name} added`, 'success');
      await load();
    }
  }

  async function edit(host: HostView): Promise<void> {
    const saved = await openHostForm(host);
    if (saved) {
      toast(`${saved.name} saved`, 'success');
      await load();
    }
  }

  async function remove(host: HostView): Promise<void> {
    await runConfirmed({
      title: `Remove ${host.name}?`,
      consequence: 'Its stored credentials and pinned host key are deleted. This cannot be undone.',
      confirmLabel: 'Remove host',
      run: () => api.deleteHost(host.id),
      done: `${host.name} removed`,
      after: load,
    });
  }

  void load();
  return {
    el,
    dispose() {
      disposed = true;
    },
  };
}

function skeletons(): HTMLElement[] {
  return [0, 1, 2].map(() => h('div', { class: 'card host-card is-skeleton', 'aria-hidden': 'true' }));
}
