// One tailnet machine on the hosts page: name, OS, tags, online state, key status, a port check, and one-click SSH.
import type { PeerView, PortProbeView } from '../../shared/api-types';
import { api, errorText } from '../api';
import { h, relativeTime, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { hostKeyStatus } from './host-key';

export interface PeerCardHooks {
  manageHosts: boolean;
  /** The account used when the person leaves the field empty (the server applies the same default). */
  defaultUser: string;
  connect(peer: PeerView, username: string | undefined, button: HTMLElement): void;
  changed(): void;
}

const USER_KEY = (peerId: string) => `porthole.peer-user.${peerId}`;

/** The remote account last used for this machine in this browser, if any. */
export function rememberedUser(peerId: string): string | undefined {
  try {
    return localStorage.getItem(USER_KEY(peerId)) || undefined;
  } catch {
    return undefined;
  }
}

function rememberUser(peerId: string, username: string | undefined): void {
  try {
    if (username) localStorage.setItem(USER_KEY(peerId), username);
    else localStorage.removeItem(USER_KEY(peerId));
  } catch {
    // storage may be disabled; the default user still works
  }
}

function presence(peer: PeerView): HTMLElement {
  if (peer.isSelf) return h('span', { class: 'presence is-online' }, 'this gateway');
  if (peer.online) return h('span', { class: 'presence is-online' }, 'online');
  const seen = peer.lastSeen ? `last seen ${relativeTime(Date.parse(peer.lastSeen))}` : 'offline';
  return h('span', { class: 'presence is-offline' }, seen);
}

function probeText(result: PortProbeView): string {
  const part = (label: string, ports: number[]) => `${label} ${ports.length ? ports.join(', ') : '—'}`;
  return [part('SSH', result.ssh), part('VNC', result.vnc), part('RDP', result.rdp)].join(' · ');
}

export function peerCard(peer: PeerView, hooks: PeerCardHooks): HTMLElement {
  const probeLine = h('div', { class: 'peer-probe muted', 'aria-live': 'polite' });
  const probeButton = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', title: 'Check which of SSH, VNC and RDP answer', 'aria-label': `Check ports of ${peer.name}` }, icon('radar', 16), 'Check ports');
  probeButton.addEventListener('click', async () => {
    probeButton.disabled = true;
    replaceChildren(probeLine, h('span', { class: 'spinner' }), ' Checking ports…');
    try {
      probeLine.textContent = probeText(await api.probePeer(peer.id));
    } catch (err) {
      probeLine.textContent = `Could not check: ${errorText(err)}`;
    } finally {
      probeButton.disabled = false;
    }
  });

  let action: HTMLElement;
  if (peer.canOpen.includes('ssh')) {
    const userId = `peer-user-${peer.id.replace(/[^A-Za-z0-9]/g, '')}`;
    const user = h('input', {
      class: 'input mono peer-user', id: userId, name: 'username', value: rememberedUser(peer.id) ?? '',
      placeholder: hooks.defaultUser, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', maxlength: '64',
      'aria-label': `User on ${peer.name}`,
    });
    const ssh = h('a', { class: 'btn btn-primary', href: `/terminal?host=${encodeURIComponent(peer.id)}`, 'aria-label': `SSH to ${peer.name}` }, icon('terminal', 16), 'SSH');
    const go = (ev: Event) => {
      const username = user.value.trim() || undefined;
      rememberUser(peer.id, username);
      if (ev instanceof MouseEvent && (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey)) {
        ssh.setAttribute('href', `/terminal?host=${encodeURIComponent(peer.id)}${username ? `&user=${encodeURIComponent(username)}` : ''}`);
        return;
      }
      ev.preventDefault();
      hooks.connect(peer, username, ssh);
    };
    ssh.addEventListener('click', go);
    user.addEventListener('keydown', (ev) => ev.key === 'Enter' && go(ev));
    action = h('div', { class: 'peer-connect' }, h('span', { class: 'peer-at', 'aria-hidden': 'true' }, icon('user', 14)), user, ssh);
  } else {
    action = h('span', { class: 'btn btn-block is-disabled', 'aria-disabled': 'true', title: 'No grant lets you open this machine over SSH' }, icon('lock', 16), 'No SSH access');
  }

  return h(
    'article',
    { class: `card host-card peer-card${peer.online ? '' : ' is-offline'}`, 'aria-label': peer.name },
    h(
      'div',
      { class: 'host-top' },
      h('div', { class: 'host-icon' }, icon(peer.isSelf ? 'shield' : 'server', 20)),
      h('div', { class: 'host-id' }, h('h3', null, peer.name), h('div', { class: 'host-target mono', title: `${peer.dnsName}\n${peer.addresses.join('\n')}` }, peer.dnsName)),
      presence(peer),
    ),
    h(
      'div',
      { class: 'host-meta' },
      peer.os ? h('span', { class: 'badge' }, peer.os) : null,
      peer.tags.map((t) => h('span', { class: 'badge badge-tag' }, t)),
      peer.addresses[0] ? h('span', { class: 'badge mono', title: peer.addresses.join('\n') }, peer.addresses[0]) : null,
    ),
    hostKeyStatus(
      {
        name: peer.name,
        address: peer.dnsName,
        hostKey: peer.hostKey,
        pendingHostKey: peer.pendingHostKey,
        manage: hooks.manageHosts ? { accept: (fp) => api.acceptPeerHostKey(peer.id, fp), forget: () => api.forgetPeerHostKey(peer.id) } : undefined,
      },
      hooks.changed,
    ),
    h('div', { class: 'peer-probe-row' }, probeButton, probeLine),
    h('div', { class: 'host-actions' }, action),
  );
}
