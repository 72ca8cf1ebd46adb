// One host on the hosts page: who and where, how it logs in, its key status, and Connect.
import type { AuthMethod, HostView } from '../../shared/api-types';
import { api } from '../api';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { hostKeyStatus } from './host-key';

const AUTH_LABEL: Record<AuthMethod, string> = {
  password: 'Password',
  key: 'Private key',
  'keyboard-interactive': 'Asks each time',
  none: 'No password',
};

export interface HostCardHooks {
  /** Admins edit, remove and manage keys; everyone else sees the card read-only. */
  manageHosts: boolean;
  connect(host: HostView, button: HTMLElement): void;
  edit(host: HostView): void;
  remove(host: HostView): void;
  changed(): void;
  /** Present when the person may share: a "Share…" button opens the share dialog for this host. */
  share?(host: HostView): void;
}

function target(host: HostView): string {
  if (host.protocol === 'vnc') return `vnc://${host.address.includes(':') && !host.address.startsWith('[') ? `[${host.address}]` : host.address}:${host.port}`;
  const address = host.address.includes(':') && !host.address.startsWith('[') ? `[${host.address}]` : host.address;
  return `${host.username}@${address}${host.port === 22 ? '' : `:${host.port}`}`;
}

export function hostCard(host: HostView, hooks: HostCardHooks): HTMLElement {
  const fromConfig = host.source === 'config';
  const kind = host.protocol.toUpperCase();
  if (!host.canOpen.includes(host.protocol)) {
    // Admins see every host to manage it, but a grant may still not let them open it.
    return cardShell(host, hooks, h('span', { class: 'btn btn-block is-disabled', 'aria-disabled': 'true', title: `No grant lets you open this host over ${kind}` }, icon('lock', 16), `No ${kind} access`));
  }
  if (host.protocol === 'vnc') {
    // A real link: the desktop page opens its own session, and a middle-click opens it in another tab.
    const open = h('a', { class: 'btn btn-primary', href: `/desktop?host=${encodeURIComponent(host.id)}`, 'aria-label': `Open the desktop of ${host.name}` }, icon('monitor', 16), 'Open desktop');
    return cardShell(host, hooks, open);
  }
  // A real link, so middle-click or "open in new tab" starts a session in another browser tab.
  const connect = h(
    'a',
    { class: 'btn btn-primary', href: `/terminal?host=${encodeURIComponent(host.id)}`, 'aria-label': `Connect to ${host.name}` },
    icon('terminal', 16),
    'Connect',
  );
  connect.addEventListener('click', (ev: MouseEvent) => {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    hooks.connect(host, connect);
  });

  return cardShell(host, hooks, connect);
}

function cardShell(host: HostView, hooks: HostCardHooks, action: HTMLElement): HTMLElement {
  const fromConfig = host.source === 'config';
  const manage = fromConfig || !hooks.manageHosts
    ? []
    : [
        h('button', { type: 'button', class: 'btn btn-ghost btn-icon btn-sm', title: 'Edit', 'aria-label': `Edit ${host.name}`, onclick: () => hooks.edit(host) }, icon('edit', 16)),
        h('button', { type: 'button', class: 'btn btn-ghost btn-icon btn-sm', title: 'Remove', 'aria-label': `Remove ${host.name}`, onclick: () => hooks.remove(host) }, icon('trash', 16)),
      ];

  return h(
    'article',
    { class: 'card host-card', 'aria-label': host.name },
    h(
      'div',
      { class: 'host-top' },
      h('div', { class: 'host-icon' }, icon(host.protocol === 'vnc' ? 'monitor' : 'server', 20)),
      h('div', { class: 'host-id' }, h('h3', null, host.name), h('div', { class: 'host-target mono', title: target(host) }, target(host))),
      h('div', { class: 'host-manage' }, manage),
    ),
    h('div', { class: 'host-meta' }, h('span', { class: 'badge' }, host.protocol === 'vnc' ? 'VNC' : 'SSH'), h('span', { class: 'badge' }, AUTH_LABEL[host.authMethod]), fromConfig ? h('span', { class: 'badge', title: 'Defined in porthole.yaml: edit it there.' }, icon('lock', 12), 'porthole.yaml, read-only') : null),
    // VNC hosts have a pinned key only when they speak TLS with a certificate (VeNCrypt X509).
    host.protocol !== 'ssh' && !host.hostKey && !host.pendingHostKey ? null : hostKeyStatus(
      {
        ...host,
        manage: hooks.manageHosts ? { accept: (fingerprint) => api.acceptHostKey(host.id, fingerprint), forget: () => api.forgetHostKey(host.id) } : undefined,
      },
      hooks.changed,
    ),
    h(
      'div',
      { class: 'host-actions' },
      action,
      hooks.share && host.canOpen.includes(host.protocol)
        ? h('button', { type: 'button', class: 'btn host-share', title: 'Share a link to this host', 'aria-label': `Share ${host.name}…`, onclick: () => hooks.share?.(host) }, icon('link', 16), h('span', { class: 'btn-label' }, 'Share…'))
        : null,
    ),
  );
}
