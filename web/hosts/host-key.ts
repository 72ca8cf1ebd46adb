// A host's SSH key (or a desktop's certificate) status on its card, and the admin actions: accept a changed key, forget the pinned one.
import type { HostProtocol } from '../../shared/api-types';
import type { HostKeyInfo } from '../../shared/terminal-protocol';
import { showDialog } from '../ui/dialog';
import { h, relativeTime } from '../ui/dom';
import { runConfirmed } from '../ui/confirmed-action';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';

/** Whatever has a pinned SSH key: a stored host or a tailnet machine, with the admin actions the caller may use. */
export interface KeyOwner {
  name: string;
  address: string;
  hostKey: (HostKeyInfo & { trustedAt: number }) | null;
  pendingHostKey: (HostKeyInfo & { seenAt: number }) | null;
  /** VNC and RDP hosts pin their TLS certificate instead of an SSH host key (absent: SSH). */
  protocol?: HostProtocol;
  /** Absent when the caller is not an admin: the card then shows the state without the buttons. */
  manage?: { accept(fingerprint: string): Promise<unknown>; forget(): Promise<unknown> };
}

const isDesktop = (host: KeyOwner): boolean => host.protocol !== undefined && host.protocol !== 'ssh';

/** The key line of a host card; `changed` is called after an action so the list can reload. */
export function hostKeyStatus(host: KeyOwner, changed: () => void): HTMLElement {
  if (host.pendingHostKey) {
    return h(
      'div',
      { class: 'alert alert-warn host-key-alert' },
      icon('warning', 16),
      h(
        'div',
        { class: 'stack' },
        h('span', null, h('strong', null, isDesktop(host) ? 'Certificate changed. ' : 'Host key changed. '), `Seen ${relativeTime(host.pendingHostKey.seenAt)}; connections are refused until an admin accepts it.`),
        host.manage ? h('div', null, h('button', { type: 'button', class: 'btn btn-sm', onclick: () => void reviewKey(host, changed) }, icon('key', 16), 'Review new key…')) : null,
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
      host.manage ? h('button', { type: 'button', class: 'btn btn-ghost btn-sm host-key-forget', onclick: () => void forgetKey(host, changed) }, 'Forget') : null,
    );
  }
  return h('div', { class: 'host-key muted' }, h('span', { class: 'badge' }, icon('key', 12), 'No key yet'), h('span', { class: 'host-key-note' }, 'You will be asked to trust it on first connect.'));
}

async function reviewKey(host: KeyOwner, changed: () => void): Promise<void> {
  const pending = host.pendingHostKey;
  const manage = host.manage;
  if (!pending || !manage) return;
  const row = (label: string, algorithm: string, fingerprint: string, cls: string): HTMLElement[] => [
    h('dt', null, label),
    h('dd', null, h('div', { class: `fingerprint ${cls}` }, `${algorithm}  ${fingerprint}`)),
  ];
  const accepted = await showDialog<unknown>({
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
      isDesktop(host)
        ? h('p', { class: 'hint muted' }, 'Compare it with the fingerprint of the certificate the desktop server uses.')
        : h('p', { class: 'hint muted' }, 'Check on the host with ', h('code', null, 'ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub'), '.'),
    ],
    actions: [{ label: 'Accept new key', variant: 'danger', isDefault: true, run: async () => (await manage.accept(pending.fingerprint)) ?? true }],
  }).result;
  if (accepted) {
    toast(`New key of ${host.name} accepted`, 'success');
    changed();
  }
}

async function forgetKey(host: KeyOwner, changed: () => void): Promise<void> {
  const manage = host.manage;
  if (!manage) return;
  await runConfirmed({
    title: `Forget the key of ${host.name}?`,
    consequence: 'The next connection will ask you to trust whatever key the host presents.',
    confirmLabel: 'Forget key',
    run: () => manage.forget(),
    done: 'Pinned key forgotten',
    after: changed,
  });
}
