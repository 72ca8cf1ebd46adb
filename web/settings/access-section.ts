// "You": who the gateway says you are (name, login, device), how it knows, and what your grants let you do.
import type { MeView } from '../../shared/api-types';
import { h } from '../ui/dom';

const VIA: Record<MeView['identity']['via'], string> = {
  browser: 'the owner login link (local mode)',
  token: 'an API token',
  tailnet: 'tailscaled, from the device you are using',
  serve: 'tailscale serve on the gateway machine',
};

const ROLE: Record<string, string> = {
  admin: 'Admin: manages hosts, credentials, host keys and tokens',
  operator: 'Operator: opens the hosts below',
  viewer: 'Viewer: watches shared sessions',
};

export function accessSection(me: MeView): HTMLElement {
  const { identity, permissions } = me;
  const rows: [string, string | HTMLElement][] = [
    ['Name', identity.name],
    ...(identity.login ? [['Login', identity.login] as [string, string]] : []),
    ...(identity.tags.length ? [['Tags', identity.tags.join(', ')] as [string, string]] : []),
    ...(identity.device ? [['Device', `${identity.device.name}${identity.device.os ? ` (${identity.device.os})` : ''}`] as [string, string]] : []),
    ['Known through', VIA[identity.via]],
    ['Role', permissions.role ? ROLE[permissions.role]! : 'None: no grant applies to you'],
  ];
  const grants = permissions.grants.length
    ? h(
        'ul',
        { class: 'grant-list' },
        permissions.grants.map((g) =>
          h('li', null, h('span', { class: 'mono' }, g.hosts.map((x) => (x === '*' ? 'every host' : x)).join(', ')), ' by ', g.protocols.map((p) => p.toUpperCase()).join(', '), g.share || permissions.share ? ' · may share' : ''),
        ),
      )
    : h('p', { class: 'muted' }, 'No host is open to you.');
  return h(
    'section',
    { class: 'section settings-section', 'aria-labelledby': 'you-title' },
    h('h2', { id: 'you-title' }, 'You'),
    h('dl', { class: 'kv you-kv' }, rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    h('h3', { class: 'grant-title' }, 'Hosts you may open'),
    grants,
    me.mode === 'tailnet' && me.capability ? h('p', { class: 'muted hint' }, 'Grants come from the tailnet policy file (app capability ', h('code', null, me.capability), ') and from porthole.yaml.') : null,
  );
}
