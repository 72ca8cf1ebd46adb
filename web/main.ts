// Entry point: loads the styles, finds out who is signed in, then starts the app or the login page.
import '@xterm/xterm/css/xterm.css';
import './ui/styles/base.css';
import './ui/styles/header.css';
import './ui/styles/controls.css';
import './ui/styles/overlays.css';
import './hosts/hosts.css';
import './terminal/terminal.css';
import './desktop/desktop.css';
import './settings/settings.css';
import './shares/shares.css';
import { api, ApiRequestError, errorText, onUnauthorized } from './api';
import { loginPage, signedOutPage } from './login/login-page';
import { currentRoute, navigate, startRouter } from './router';
import { startShell } from './shell';
import { h } from './ui/dom';
import { icon } from './ui/icons';

const root = document.getElementById('app')!;
let signedOut = false;
let stopShell: (() => void) | null = null;

function showSignedOut(note?: string): void {
  if (signedOut) return;
  signedOut = true;
  stopShell?.();
  // Drop the whole app (and with it every terminal socket) so nothing keeps retrying while signed out.
  document.body.replaceChildren(signedOutPage(note), h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' }));
}

async function boot(): Promise<void> {
  if (currentRoute().path === '/login') {
    root.replaceChildren(
      loginPage(() => {
        navigate('/', { replace: true });
        void boot();
      }),
    );
    return;
  }
  try {
    const me = await api.me({ quietUnauthorized: true });
    startRouter();
    onUnauthorized(() => showSignedOut('Your login has expired.'));
    stopShell = startShell(root, me, () => showSignedOut());
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) {
      showSignedOut();
      return;
    }
    root.replaceChildren(
      h(
        'main',
        { class: 'message-page' },
        h(
          'div',
          { class: 'card message-card' },
          h('h1', null, 'Porthole is not answering'),
          h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, errorText(err))),
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => location.reload() }, icon('refresh', 16), 'Try again'),
        ),
      ),
    );
  }
}

void boot();
