// /login#TOKEN: trades the one-time link for the session cookie; also the "you are signed out" page.
import { api, ApiRequestError } from '../api';
import { h } from '../ui/dom';
import { brandMark } from '../ui/header';
import { icon } from '../ui/icons';
import { tokenFromHash } from './login-token';

function messageCard(...children: (Node | string | null)[]): HTMLElement {
  return h(
    'main',
    { class: 'message-page' },
    h('div', { class: 'card message-card' }, h('div', { class: 'brand' }, brandMark(), 'Porthole'), ...children),
  );
}

/** Shown when there is no valid login: explains where the login link comes from. */
export function signedOutPage(note?: string): HTMLElement {
  return messageCard(
    h('h1', null, 'Sign in to Porthole'),
    note ? h('div', { class: 'alert alert-warn', role: 'alert' }, icon('warning', 16), h('span', null, note)) : null,
    h('p', null, 'Open the login link printed by the gateway (or run it again).'),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, 'Look at the output of the Porthole gateway on its machine.'),
      h('li', null, 'Copy the line that starts with ', h('code', null, 'http://…/login#'), ' into this browser.'),
      h('li', null, 'Each link works once. If it was used already, restart the gateway for a fresh one.'),
    ),
  );
}

/** Redeems the token in the URL fragment, then hands over to the app (`onSignedIn`). */
export function loginPage(onSignedIn: () => void): HTMLElement {
  const token = tokenFromHash(location.hash);
  // Take the token out of the address bar and history at once, whatever happens next.
  history.replaceState(null, '', location.pathname + location.search);
  if (!token) return signedOutPage();

  const status = h('p', { class: 'row muted' }, h('span', { class: 'spinner' }), 'Signing you in…');
  const page = messageCard(h('h1', null, 'Signing in'), status);
  api.redeemLoginLink(token).then(onSignedIn, (err: unknown) => {
    const expired = err instanceof ApiRequestError && [400, 401, 403, 404, 410].includes(err.status);
    page.replaceWith(
      signedOutPage(
        expired
          ? 'This login link was already used or has expired.'
          : `Signing in failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  });
  return page;
}
