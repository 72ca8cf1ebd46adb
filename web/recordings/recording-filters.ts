// The list's filters: host, protocol, and (when the address names one) a user, each applied as soon as it changes.
import { HOST_PROTOCOLS, type HostProtocol, type HostView } from '../../shared/api-types';
import { h, uid } from '../ui/dom';
import { icon } from '../ui/icons';
import { PROTOCOL_LABEL } from './recording-labels';

export interface FilterValues {
  host: string;
  protocol: HostProtocol | '';
  user: string;
}

export interface RecordingFilters {
  el: HTMLElement;
  values(): FilterValues;
  isFiltered(): boolean;
  clear(): void;
  /** Fills the host menu; before this it offers only "All hosts" (and the host from the address). */
  setHosts(hosts: readonly Pick<HostView, 'id' | 'name'>[]): void;
}

export function createRecordingFilters(initial: FilterValues, changed: () => void): RecordingFilters {
  let user = initial.user;
  const hostId = uid('host');
  const protocolId = uid('protocol');
  const host = h('select', { id: hostId, class: 'select' }, h('option', { value: '' }, 'All hosts'));
  if (initial.host) host.append(h('option', { value: initial.host, selected: true }, 'This host'));
  const protocol = h(
    'select',
    { id: protocolId, class: 'select' },
    h('option', { value: '' }, 'All kinds'),
    HOST_PROTOCOLS.map((p) => h('option', { value: p, ...(p === initial.protocol ? { selected: true } : {}) }, PROTOCOL_LABEL[p])),
  );
  const userChip = h('span', { class: 'recording-user-filter', hidden: !user });
  const el = h(
    'div',
    { class: 'recording-filters', role: 'group', 'aria-label': 'Filters' },
    h('div', { class: 'field' }, h('label', { for: hostId }, 'Host'), host),
    h('div', { class: 'field' }, h('label', { for: protocolId }, 'Kind'), protocol),
    userChip,
  );
  host.addEventListener('change', changed);
  protocol.addEventListener('change', changed);
  renderUser();

  function renderUser(): void {
    userChip.hidden = !user;
    userChip.replaceChildren(
      h('span', { class: 'badge' }, icon('user', 12), user, h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Show every user, not only ${user}`, onclick: () => { user = ''; renderUser(); changed(); } }, icon('close', 12))),
    );
  }

  return {
    el,
    values: () => ({ host: host.value, protocol: protocol.value as HostProtocol | '', user }),
    isFiltered: () => Boolean(host.value || protocol.value || user),
    clear() {
      host.value = '';
      protocol.value = '';
      user = '';
      renderUser();
      changed();
    },
    setHosts(hosts) {
      const chosen = host.value;
      host.replaceChildren(h('option', { value: '' }, 'All hosts'), ...[...hosts].sort((a, b) => a.name.localeCompare(b.name)).map((x) => h('option', { value: x.id }, x.name)));
      // A host from the address that this person cannot list still filters (the server decides what it shows).
      if (chosen && !hosts.some((x) => x.id === chosen)) host.append(h('option', { value: chosen }, 'This host'));
      host.value = chosen;
    },
  };
}
