// What a signed-in person with no grant sees: who the gateway thinks they are, and the grant an admin would add.
import type { MeView } from '../../shared/api-types';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';

/** True when nothing in the caller's permissions opens any host. */
export function hasNoAccess(me: MeView): boolean {
  return !me.permissions.manageHosts && me.permissions.grants.length === 0;
}

export function accessNotice(me: MeView): HTMLElement {
  const who = me.identity.login ?? me.identity.tags.join(', ');
  const key = me.identity.login ? `logins: [${me.identity.login}]` : `tags: [${me.identity.tags.join(', ')}]`;
  // One short line per level, so it reads on a phone and pastes into a policy file as is.
  const grant = `{\n  "${me.capability ?? 'porthole.dev/cap/access'}": [\n    {"hosts": ["tag:lab"], "protocols": ["ssh"], "role": "operator"}\n  ]\n}`;
  return h(
    'section',
    { class: 'card access-notice', 'aria-labelledby': 'no-access-title' },
    h('div', { class: 'access-notice-head' }, icon('lock', 20), h('h2', { id: 'no-access-title' }, 'No hosts for you yet')),
    h('p', null, 'You are signed in as ', h('strong', null, me.identity.name), who && who !== me.identity.name ? ` (${who})` : '', me.identity.device ? ` on ${me.identity.device.name}` : '', ', but no grant gives you any host.'),
    h('p', { class: 'muted' }, 'Ask an admin of the tailnet to add an app capability to a grant in the policy file:'),
    h('pre', { class: 'code-block' }, `"app": ${grant}`),
    h('p', { class: 'muted' }, 'or a rule in porthole.yaml:'),
    h('pre', { class: 'code-block' }, `access:\n  - { ${key}, hosts: [tag:lab], protocols: [ssh], role: operator }`),
  );
}
