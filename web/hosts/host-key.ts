// A host's SSH key status on its card, and the admin actions: accept a changed key, forget the pinned one.
import type { HostView } from '../../shared/api-types';
import { api } from '../api';
import { showDialog } from '../ui/dialog';
import { h, relativeTime } from '../ui/dom';
import { runConfirmed } from '../ui/confirmed-action';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';

/** The key line of a host card; `changed` is called after an action so the list can reload. */
export function hostKeyStatus(host: HostView, changed: () => void): HTMLElement {
  if (host.pendingHostKey) {
    return h(
      'div',
      { class: 'alert alert-warn host-key-alert' },
      icon('warning', 16),
      h(
        'div',
        { class: 'stack' },
        h('span', null, h('strong', null, 'Host key changed. '), `Seen ${relativeTime(host.pendingHostKey.seenAt)}; connections are refused until an admin accepts it.`),
        h('div', null, h('button', { type: 'button', class: 'btn btn-sm', onclick: () => void reviewKey(host, changed) }, icon('key', 16), 'Review new key…')),
      ),
    );
  }
  if (host.hostKey) {
    const key = host.hostKey;
    return h(
      'div',
      { class: 'host-key', title: `${key.algorithm} ${key.fingerprint}\nTrusted ${new Date(key.trustedAt).toLocaleString()}` },
      h('span', { class: 'badge badge-ok' }, icon('shield', 12), 'Key pinned'),
      h('code', { class: 'host-key-fp' }, key.fingerprint),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm host-key-forget', onclick: () => void forgetKey(host, changed) }, 'Forget'),
    );
  }
  return h('div', { class: 'host-key muted' }, h('span', { class: 'badge' }, icon('key', 12), 'No key yet'), h('span', { class: 'host-key-note' }, 'You will be asked to trust it on first connect.'));
}

async function reviewKey(host: HostView, changed: () => void): Promise<void> {
  const pending = host.pendingHostKey;
  if (!pending) return;
  const row = (label: string, algorithm: string, fingerprint: string, cls: string): HTMLElement[] => [
    h('dt', null, label),
    h('dd', null, h('div', { class: `fingerprint ${cls}` }, `${algorithm}  ${fingerprint}`)),
  ];
  const accepted = await showDialog<HostView>({
    title: `Accept the new key of ${host.name}?`,
    size: 'lg',
    body: [
      h(
        'p',
        null,
        `${host.name} (${host.address}) presented a key that differs from the one pinned. `,
        'Accept only if you know why it changed, for example a reinstall or key rotation. Otherwise someone may be intercepting the connection.',
      ),
      h(
        'dl',
        { class: 'kv key-compare' },
        host.hostKey ? row('Pinned (old)', host.hostKey.algorithm, host.hostKey.fingerprint, 'is-old') : [h('dt', null, 'Pinned (old)'), h('dd', { class: 'muted' }, 'none')],
        row('Presented (new)', pending.algorithm, pending.fingerprint, 'is-new'),
      ),
      h('p', { class: 'hint muted' }, 'Check on the host with ', h('code', null, 'ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub'), '.'),
    ],
    actions: [{ label: 'Accept new key', variant: 'danger', isDefault: true, run: () => api.acceptHostKey(host.id, pending.fingerprint) }],
  }).result;
  if (accepted) {
    toast(`New key of ${host.name} accepted`, 'success');
    changed();
  }
}

async function forgetKey(host: HostView, changed: () => void): Promise<void> {
  await runConfirmed({
    title: `Forget the key of ${host.name}?`,
    consequence: 'The next connection will ask you to trust whatever key the host presents.',
    confirmLabel: 'Forget key',
    run: () => api.forgetHostKey(host.id),
    done: 'Pinned key forgotten',
    after: changed,
  });
}
