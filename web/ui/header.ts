// The app header: brand, navigation with the open-terminal count, who is signed in, and logout.
import type { MeView } from '../../shared/api-types';
import { api, errorText } from '../api';
import type { RoutePath } from '../router';
import { h } from './dom';
import { icon } from './icons';
import { toast } from './toast';

export interface Header {
  el: HTMLElement;
  setRoute(path: RoutePath): void;
  setTerminalCount(count: number): void;
}

export function brandMark(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('brand-mark');
  // A porthole: ring, glass and a prompt inside; colours come from the CSS accent.
  svg.innerHTML =
    '<circle class="ring" cx="16" cy="16" r="14"/>' +
    '<circle cx="16" cy="16" r="9" fill="#0b1220" stroke="#c7d8ff" stroke-width="2"/>' +
    '<path d="M11.5 13l3.5 3-3.5 3M17 20h4.5" stroke="#c7d8ff" stroke-width="2" fill="none" stroke-linecap="round" stroke-linejoin="round"/>';
  return svg;
}

export function createHeader(me: MeView, onLoggedOut: () => void): Header {
  // On a phone the labels give way to icons (the title and aria-label keep the name).
  const item = (href: string, iconName: Parameters<typeof icon>[0], label: string, hidden = false) =>
    h('a', { href, title: label, 'aria-label': label, ...(hidden ? { hidden: true } : {}) }, icon(iconName, 16), h('span', { class: 'nav-label' }, label));
  const links = {
    '/hosts': item('/hosts', 'server', 'Hosts'),
    '/terminal': item('/terminal', 'terminal', 'Terminals', true),
    '/shares': item('/shares', 'link', 'Sharing'),
    '/recordings': item('/recordings', 'clock', 'Recordings'),
    // Everyone's live sessions: an admin's duty, so nobody else is shown the entry.
    '/live': item('/live', 'radar', 'Live', me.permissions.role !== 'admin'),
    // The audit log names every person and address: admins only (the API refuses everyone else too).
    '/audit': item('/audit', 'shield', 'Audit', !(me.permissions.role === 'admin' || me.permissions.manageHosts)),
    '/settings': item('/settings', 'user', 'Settings'),
  };
  const count = h('span', { class: 'count', 'aria-label': 'open terminals' }, '0');
  links['/terminal'].append(count);

  const logout = h(
    'button',
    { type: 'button', class: 'btn btn-ghost btn-sm', title: 'Log out' },
    icon('logout', 16),
    h('span', { class: 'btn-label' }, 'Log out'),
  );
  logout.addEventListener('click', async () => {
    logout.disabled = true;
    try {
      await api.logout();
      onLoggedOut();
    } catch (err) {
      toast(errorText(err), 'error');
      logout.disabled = false;
    }
  });

  const name = me.identity.name || (me.identity.kind === 'owner' ? 'Owner' : 'Token');
  // Who and from where, as the gateway sees it: login (or tags) and the device's MagicDNS name.
  const detail = [me.identity.login ?? (me.identity.tags.length ? me.identity.tags.join(' ') : ''), me.identity.device?.name.split('.')[0] ?? ''].filter((x) => x && x !== name).join(' · ');
  const title = [`Signed in as ${name}`, me.identity.login, me.identity.device ? `on ${me.identity.device.name}${me.identity.device.os ? ` (${me.identity.device.os})` : ''}` : '', me.mode === 'tailnet' ? 'identified by tailscaled' : 'local mode'].filter(Boolean).join('\n');
  const el = h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: '/hosts', 'aria-label': 'Porthole home' }, brandMark(), h('span', { class: 'brand-text' }, 'Porthole')),
    h('nav', { class: 'nav', 'aria-label': 'Main' }, links['/hosts'], links['/terminal'], links['/shares'], links['/recordings'], links['/live'], links['/audit'], links['/settings']),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase()),
      h('a', { class: 'who-text', href: '/settings', title }, h('span', { class: 'who-name' }, name), detail ? h('span', { class: 'who-detail' }, detail) : null),
      // In tailnet mode the device is the login: there is nothing to log out of.
      me.identity.via === 'browser' ? logout : h('span', { class: 'badge badge-mode', title: 'Identity comes from the tailnet' }, icon('mesh', 12), 'tailnet'),
    ),
  );

  return {
    el,
    setRoute(path) {
      for (const [p, a] of Object.entries(links)) {
        if (p === path) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
    setTerminalCount(n) {
      count.textContent = String(n);
      links['/terminal'].hidden = n === 0;
    },
  };
}
