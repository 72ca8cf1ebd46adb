// The hosts page (/ and /hosts): every host as a card with Connect, plus add/edit/remove and running sessions.
import type { HostView, SessionView } from '../../shared/api-types';
import { api, errorText } from '../api';
import type { Page } from '../shell';
import type { TerminalWorkspace } from '../terminal/workspace';
import { h, replaceChildren } from '../ui/dom';
import { runConfirmed } from '../ui/confirmed-action';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';
import { hostCard } from './host-card';
import { openHostForm } from './host-form';
import { runningSessions } from './running-sessions';

export function hostsPage({ workspace }: { workspace: TerminalWorkspace }): Page {
  const list = h('div', { class: 'host-grid', 'aria-busy': 'true' }, skeletons());
  const sessionsSlot = h('div');
  const addButton = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void add() }, icon('plus', 16), 'Add host');
  const el = h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Hosts'), h('p', { class: 'page-sub' }, 'Machines you can open a terminal on.')), addButton),
    list,
    sessionsSlot,
  );
  let disposed = false;

  async function load(): Promise<void> {
    try {
      const [hosts, sessions] = await Promise.all([api.listHosts(), api.listSessions().catch((): SessionView[] => [])]);
      if (disposed) return;
      list.removeAttribute('aria-busy');
      renderHosts(hosts.sort((a, b) => a.name.localeCompare(b.name)));
      replaceChildren(sessionsSlot, runningSessions(sessions, workspace.openSessionIds, { open: (s) => workspace.attachExisting(s), changed: () => void load() }));
    } catch (err) {
      if (disposed) return;
      list.removeAttribute('aria-busy');
      replaceChildren(
        list,
        h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Could not load hosts: ${errorText(err)}`)),
      );
    }
  }

  function renderHosts(hosts: HostView[]): void {
    if (hosts.length === 0) {
      replaceChildren(
        list,
        h(
          'div',
          { class: 'empty host-empty' },
          icon('server', 32),
          h('h2', null, 'No hosts yet'),
          h('p', null, 'Add a machine of your lab, or list hosts in porthole.yaml.'),
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void add() }, icon('plus', 16), 'Add your first host'),
        ),
      );
      return;
    }
    replaceChildren(
      list,
      hosts.map((host) =>
        hostCard(host, {
          connect: (hv, button) => {
            button.classList.add('is-busy');
            void workspace.openHost(hv.id).finally(() => button.classList.remove('is-busy'));
          },
          edit: (hv) => void edit(hv),
          remove: (hv) => void remove(hv),
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
