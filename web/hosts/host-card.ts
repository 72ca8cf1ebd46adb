// One host on the hosts page: who and where, how it logs in, whether it is recorded, its key status, and Connect (or Open desktop).
import type { AuthMethod, HostView } from '../../shared/api-types';
import { api } from '../api';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { KEYBOARD_LAYOUT_NAMES, RECORDING_MODE_HINTS, recordingBadge } from './host-labels';
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

/** Desktops as a URL (vnc://nas:5900, rdp://win:3389), SSH as user@host[:port]. */
function hostTarget(host: Pick<HostView, 'protocol' | 'address' | 'port' | 'username'>): string {
  const address = host.address.includes(':') && !host.address.startsWith('[') ? `[${host.address}]` : host.address;
  if (host.protocol !== 'ssh') return `${host.protocol}://${address}:${host.port}`;
  return `${host.username}@${address}${host.port === 22 ? '' : `:${host.port}`}`;
}

export function hostCard(host: HostView, hooks: HostCardHooks): HTMLElement {
  const kind = host.protocol.toUpperCase();
  if (host.unavailable) {
    // The gateway itself cannot open it (RDP without its helper): the reason shows on the card.
    const open = h('button', { type: 'button', class: 'btn btn-primary', disabled: true, title: host.unavailable, 'aria-describedby': unavailableId(host) }, icon('monitor', 16), 'Open desktop');
    return cardShell(host, hooks, open);
  }
  if (!host.canOpen.includes(host.protocol)) {
    // Admins see every host to manage it, but a grant may still not let them open it.
    return cardShell(host, hooks, h('span', { class: 'btn btn-block is-disabled', 'aria-disabled': 'true', title: `No grant lets you open this host over ${kind}` }, icon('lock', 16), `No ${kind} access`));
  }
  if (host.protocol !== 'ssh') {
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

/** Sessions on this host are recorded (so people know before they connect); nothing when recording is off. */
function recordingBadgeEl(host: HostView): HTMLElement | null {
  const text = recordingBadge(host.recording);
  if (!text) return null;
  const title = `${RECORDING_MODE_HINTS[host.recording.mode]}${host.recording.input ? ' Typed input is recorded too.' : ''}`;
  return h('span', { class: `badge host-recorded${host.recording.mode === 'required' ? ' badge-warn' : ''}`, title }, h('span', { class: 'rec-dot', 'aria-hidden': 'true' }), text);
}

/** Keeps words like package names ("freerdp2-dev") on one line: a break at their hyphen reads as two words. */
function unbrokenWords(text: string): (string | HTMLElement)[] {
  return text.split(/(\S+-\S+)/).filter(Boolean).map((part) => (/^\S+-\S+$/.test(part) ? h('span', { class: 'nowrap' }, part) : part));
}

const unavailableId = (host: HostView): string => `host-unavailable-${host.id.replace(/[^A-Za-z0-9_-]/g, '')}`;

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
      h('div', { class: 'host-icon' }, icon(host.protocol === 'ssh' ? 'server' : 'monitor', 20)),
      h('div', { class: 'host-id' }, h('h3', null, host.name), h('div', { class: 'host-target mono', title: hostTarget(host) }, hostTarget(host))),
      h('div', { class: 'host-manage' }, manage),
    ),
    h(
      'div',
      { class: 'host-meta' },
      h('span', { class: 'badge' }, host.protocol.toUpperCase()),
      h('span', { class: 'badge' }, AUTH_LABEL[host.authMethod]),
      host.rdp ? h('span', { class: 'badge badge-tag', title: `Keyboard layout: ${KEYBOARD_LAYOUT_NAMES[host.rdp.keyboardLayout] ?? host.rdp.keyboardLayout}` }, host.rdp.keyboardLayout) : null,
      recordingBadgeEl(host),
      fromConfig ? h('span', { class: 'badge', title: 'Defined in porthole.yaml: edit it there.' }, icon('lock', 12), 'porthole.yaml, read-only') : null,
    ),
    host.unavailable ? h('p', { class: 'alert alert-warn host-unavailable', id: unavailableId(host) }, icon('warning', 16), h('span', null, unbrokenWords(host.unavailable))) : null,
    // Desktop hosts have a pinned key only when they present a certificate (VNC: VeNCrypt X509; RDP: TLS).
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
