// The settings page: who you are and what you may do, API tokens for scripts (admins), and terminal accessibility.
import type { ApiTokenView, MeView } from '../../shared/api-types';
import { accessSection } from './access-section';
import { api, errorText } from '../api';
import type { Page } from '../shell';
import { h, relativeTime, replaceChildren } from '../ui/dom';
import { runConfirmed } from '../ui/confirmed-action';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';
import { showNewToken } from './new-token-dialog';
import { loadPreferences, savePreferences } from './preferences';
import { pageHead } from '../ui/page-head';

export function settingsPage(me: MeView): Page {
  const nameInput = h('input', { class: 'input', id: 'token-name', name: 'name', placeholder: 'e.g. backup script', maxlength: '100', autocomplete: 'off', required: true });
  const createButton = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('plus', 16), 'Create token');
  const form = h(
    'form',
    { class: 'token-form', novalidate: true },
    h('label', { for: 'token-name', class: 'sr-only' }, 'Token name'),
    nameInput,
    createButton,
  );
  const list = h('div', { class: 'card token-list', 'aria-busy': 'true' }, h('div', { class: 'token-loading row muted' }, h('span', { class: 'spinner' }), 'Loading…'));
  const el = h(
    'div',
    { class: 'page' },
    pageHead('Settings', null),
    accessSection(me),
    h(
      'section',
      // Tokens carry the owner's full rights: only admins make or see them.
      { class: 'section settings-section', hidden: !me.permissions.manageHosts },
      h('h2', null, 'API tokens'),
      h('p', { class: 'muted section-sub' }, 'Scripts call the API with ', h('code', null, 'Authorization: Bearer pt_…'), '. A token is shown once, when it is created; the gateway keeps only its hash.'),
      form,
      list,
    ),
    accessibilitySection(),
  );
  let disposed = false;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = nameInput.value.trim();
    if (!name) {
      nameInput.setAttribute('aria-invalid', 'true');
      nameInput.focus();
      toast('Give the token a name, so you know later what uses it.', 'error');
      return;
    }
    nameInput.removeAttribute('aria-invalid');
    createButton.disabled = true;
    createButton.classList.add('is-busy');
    try {
      const created = await api.createToken(name);
      nameInput.value = '';
      await load();
      await showNewToken(created);
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      createButton.disabled = false;
      createButton.classList.remove('is-busy');
    }
  });

  async function load(): Promise<void> {
    try {
      const tokens = await api.listTokens();
      if (!disposed) render(tokens.sort((a, b) => b.createdAt - a.createdAt));
    } catch (err) {
      if (!disposed) replaceChildren(list, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, errorText(err))));
    }
    list.removeAttribute('aria-busy');
  }

  function render(tokens: ApiTokenView[]): void {
    if (tokens.length === 0) {
      replaceChildren(list, h('p', { class: 'token-empty muted' }, 'No tokens yet.'));
      return;
    }
    replaceChildren(
      list,
      h(
        'table',
        { class: 'table' },
        h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Created'), h('th', null, 'Last used'), h('th', null, h('span', { class: 'sr-only' }, 'Actions')))),
        h(
          'tbody',
          null,
          tokens.map((t) =>
            h(
              'tr',
              null,
              h('td', null, h('strong', null, t.name), t.owner ? h('span', { class: 'muted' }, ` · acts as ${t.owner}`) : null),
              h('td', { class: 'muted', title: new Date(t.createdAt).toLocaleString() }, `Created ${relativeTime(t.createdAt)}`),
              h('td', { class: 'muted' }, t.lastUsedAt ? `Used ${relativeTime(t.lastUsedAt)}` : 'Never used'),
              h(
                'td',
                { class: 'actions' },
                h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': `Delete token ${t.name}`, onclick: () => void remove(t) }, icon('trash', 16), 'Delete'),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function remove(t: ApiTokenView): Promise<void> {
    await runConfirmed({
      title: `Delete the token “${t.name}”?`,
      consequence: 'Scripts using it stop working at once.',
      confirmLabel: 'Delete token',
      run: () => api.deleteToken(t.id),
      done: 'Token deleted',
      after: load,
    });
  }

  if (me.permissions.manageHosts) void load();
  return {
    el,
    dispose() {
      disposed = true;
    },
  };
}

/** Terminal accessibility: a per-browser switch, applied to terminals opened afterwards. */
function accessibilitySection(): HTMLElement {
  const prefs = loadPreferences();
  const box = h('input', { type: 'checkbox', id: 'pref-screen-reader', checked: prefs.screenReaderMode });
  box.addEventListener('change', () => {
    savePreferences({ ...loadPreferences(), screenReaderMode: box.checked });
    toast(box.checked ? 'Screen reader support is on for new terminals' : 'Screen reader support is off for new terminals', 'success', 2000);
  });
  return h(
    'section',
    { class: 'section settings-section' },
    h('h2', null, 'Terminal'),
    h('label', { class: 'row', for: 'pref-screen-reader' }, box, h('span', null, 'Screen reader support: keep the terminal text readable by assistive technology (this browser only).')),
  );
}
