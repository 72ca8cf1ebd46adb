// The add/edit host dialog: protocol, name, address, port, user, how to log in (password, private key, keyboard-interactive, none), an RDP host's options, recording.
import {
  AUTH_METHODS_BY_PROTOCOL,
  DEFAULT_PORTS,
  HOST_PROTOCOLS,
  KEYBOARD_LAYOUTS,
  RDP_SECURITY_MODES,
  type AuthMethod,
  type HostProtocol,
  type HostView,
} from '../../shared/api-types';
import { api } from '../api';
import { showDialog } from '../ui/dialog';
import { h, uid } from '../ui/dom';
import { icon } from '../ui/icons';
import { KEYBOARD_LAYOUT_NAMES, SECURITY_NAMES } from './host-labels';
import { buildCreateRequest, buildUpdateRequest, formValuesFrom, methodAllowed, type HostFormValues } from './host-form-values';
import { recordingFields } from './recording-fields';

const METHODS: [AuthMethod, string][] = [
  ['password', 'Password'],
  ['key', 'Private key'],
  ['keyboard-interactive', 'Ask each time'],
  ['none', 'No password'],
];
const PROTOCOLS: [HostProtocol, string][] = [
  ['ssh', 'SSH terminal'],
  ['vnc', 'VNC desktop'],
  ['rdp', 'RDP desktop'],
];
const USER_PLACEHOLDER: Record<HostProtocol, string> = { ssh: 'root', vnc: 'usually empty', rdp: 'Administrator' };
const MAX_KEY_FILE_BYTES = 16 * 1024;

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function field(label: string, control: Control, hint?: string): HTMLElement {
  control.id ||= uid('f');
  const hintEl = hint ? h('span', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** Opens the dialog; resolves with the saved host, or undefined when cancelled. */
export function openHostForm(existing: HostView | null): Promise<HostView | undefined> {
  const v = formValuesFrom(existing);
  const editing = existing !== null;
  const keep = (what: string): string => (editing ? `Leave empty to keep the stored ${what}` : '');
  const input = (name: keyof HostFormValues, attrs: Record<string, string | boolean> = {}): HTMLInputElement =>
    h('input', { class: 'input', name, value: v[name], autocomplete: 'off', spellcheck: 'false', ...attrs });

  const controls = {
    name: input('name', { placeholder: 'nas', autofocus: true, maxlength: '100' }),
    address: input('address', { placeholder: 'nas.lan or 192.168.1.10', autocapitalize: 'off' }),
    port: input('port', { inputmode: 'numeric', placeholder: '22' }),
    username: input('username', { placeholder: 'root', autocapitalize: 'off' }),
    password: input('password', { type: 'password', autocomplete: 'new-password', placeholder: keep('password') }),
    privateKey: h('textarea', {
      class: 'textarea',
      name: 'privateKey',
      spellcheck: 'false',
      placeholder: editing ? keep('key') : '-----BEGIN OPENSSH PRIVATE KEY-----\n…\n-----END OPENSSH PRIVATE KEY-----',
    }),
    passphrase: input('passphrase', { type: 'password', autocomplete: 'new-password', placeholder: editing && existing.hasPassphrase ? 'Stored' : 'None' }),
    keyboardLayout: select('keyboardLayout', KEYBOARD_LAYOUTS.map((l) => [l, KEYBOARD_LAYOUT_NAMES[l]]), v.keyboardLayout),
    security: select('security', RDP_SECURITY_MODES.map((m) => [m, SECURITY_NAMES[m]]), v.security),
    domain: input('domain', { placeholder: 'None', autocapitalize: 'off', maxlength: '64' }),
  } satisfies Partial<Record<keyof HostFormValues, Control>>;

  const radios = METHODS.map(([value, label]) =>
    h('label', null, h('input', { type: 'radio', name: 'method', value, checked: value === v.method }), label),
  );
  // The protocol is chosen once: an existing host keeps its own (its credential belongs to it).
  const protocolRadios = PROTOCOLS.map(([value, label]) =>
    h('label', null, h('input', { type: 'radio', name: 'protocol', value, checked: value === v.protocol, disabled: editing }), label),
  );
  const protocol = (): HostProtocol => (protocolRadios.map((r) => r.querySelector('input')!).find((r) => r.checked)?.value as HostProtocol) ?? 'ssh';
  const userLabel = h('span', null, 'User');
  const rdpOptions = h(
    'fieldset',
    { class: 'field-group' },
    h('legend', null, 'RDP options'),
    field('Keyboard layout', controls.keyboardLayout, 'The layout the remote desktop uses: keys you type become that layout’s keys; characters it lacks are typed as Unicode.'),
    field('Security', controls.security, 'Automatic lets the desktop and the gateway agree on NLA or TLS. Choose one only when the desktop insists on it.'),
    field('Domain (optional)', controls.domain, 'The Windows domain of the user, if the account belongs to one.'),
  );
  const recording = recordingFields(v.recordingMode, v.recordInput);
  const sections: Record<AuthMethod, HTMLElement> = {
    password: h('div', { class: 'stack' }, field('Password', controls.password)),
    key: h('div', { class: 'stack' }, keyFileButton(controls.privateKey), field('Passphrase (optional)', controls.passphrase)),
    'keyboard-interactive': h(
      'p',
      { class: 'alert alert-info' },
      icon('lock', 16),
      h('span', null, 'Nothing is stored. When you connect, the host’s questions (password, one-time code…) are shown to you.'),
    ),
    none: h('p', { class: 'alert alert-info' }, icon('warning', 16), h('span', null, 'For VNC servers that ask for no password (security type None). Anyone who reaches the port gets the desktop.')),
  };
  const method = (): AuthMethod => (radios.map((r) => r.querySelector('input')!).find((r) => r.checked)?.value as AuthMethod) ?? 'password';
  const showMethod = (): void => {
    const p = protocol();
    // Only the methods the protocol has; a hidden checked one falls back to password.
    for (const r of radios) {
      const box = r.querySelector('input')!;
      r.hidden = !methodAllowed(p, box.value as AuthMethod);
      if (r.hidden && box.checked) radios[0]!.querySelector('input')!.checked = true;
    }
    for (const [m, el] of Object.entries(sections)) el.hidden = m !== method();
    // One way to log in (RDP: a password) needs no choice.
    methodField.hidden = AUTH_METHODS_BY_PROTOCOL[p].length < 2;
    rdpOptions.hidden = p !== 'rdp';
    controls.port.placeholder = String(DEFAULT_PORTS[p]);
    userLabel.textContent = p === 'vnc' ? 'User (only for VeNCrypt Plain)' : 'User';
    controls.username.placeholder = USER_PLACEHOLDER[p];
  };
  for (const r of [...radios, ...protocolRadios]) r.addEventListener('change', showMethod);
  protocolRadios.forEach((r) =>
    r.addEventListener('change', () => {
      // Switching protocol moves an untouched default port (another kind's default) along.
      const p = protocol();
      const port = controls.port.value.trim();
      const otherDefault = HOST_PROTOCOLS.some((other) => other !== p && String(DEFAULT_PORTS[other]) === port);
      if (port === '' || otherDefault) controls.port.value = String(DEFAULT_PORTS[p]);
    }),
  );

  const userField = field('User', controls.username);
  userField.querySelector('label')!.replaceChildren(userLabel);
  const methodField = h('div', { class: 'field' }, h('span', { class: 'label', id: 'auth-label' }, 'Log in with'), h('div', { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'auth-label' }, radios));
  showMethod();
  const body = [
    h('div', { class: 'field' }, h('span', { class: 'label', id: 'protocol-label' }, 'Kind'), h('div', { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'protocol-label' }, protocolRadios)),
    field('Name', controls.name, 'Shown on the hosts list and on tabs.'),
    h('div', { class: 'field-row' }, field('Address', controls.address), field('Port', controls.port)),
    userField,
    methodField,
    ...Object.values(sections),
    rdpOptions,
    recording.el,
    editing && existing.authMethod !== 'keyboard-interactive'
      ? h('p', { class: 'hint muted' }, 'Secrets are never shown again. Empty secret fields keep what is stored.')
      : null,
  ].filter((x): x is HTMLElement => x !== null);

  return showDialog<HostView>({
    title: editing ? `Edit ${existing.name}` : 'Add a host',
    size: 'lg',
    body,
    actions: [
      {
        label: editing ? 'Save' : 'Add host',
        isDefault: true,
        run: async () => {
          for (const c of Object.values(controls)) c.removeAttribute('aria-invalid');
          const values: HostFormValues = {
            protocol: protocol(),
            name: controls.name.value,
            address: controls.address.value,
            port: controls.port.value,
            username: controls.username.value,
            method: method(),
            password: controls.password.value,
            privateKey: controls.privateKey.value,
            passphrase: controls.passphrase.value,
            keyboardLayout: controls.keyboardLayout.value as HostFormValues['keyboardLayout'],
            security: controls.security.value as HostFormValues['security'],
            domain: controls.domain.value,
            recordingMode: recording.mode.value as HostFormValues['recordingMode'],
            recordInput: recording.input.checked,
          };
          const fail = (field: keyof HostFormValues, message: string): never => {
            const bad = (controls as Partial<Record<keyof HostFormValues, Control>>)[field];
            bad?.setAttribute('aria-invalid', 'true');
            bad?.focus();
            throw new Error(message);
          };
          if (editing) {
            const update = buildUpdateRequest(values, existing);
            return update.ok ? api.updateHost(existing.id, update.value) : fail(update.field, update.message);
          }
          const create = buildCreateRequest(values);
          return create.ok ? api.createHost(create.value) : fail(create.field, create.message);
        },
      },
    ],
  }).result;
}

function select<T extends string>(name: keyof HostFormValues, options: [T, string][], chosen: T): HTMLSelectElement {
  return h('select', { class: 'select input', name }, options.map(([value, label]) => h('option', { value, selected: value === chosen }, label)));
}

/** The key textarea plus "Load from file…", which reads the file locally (it is only sent on Save). */
function keyFileButton(area: HTMLTextAreaElement): HTMLElement {
  const file = h('input', { type: 'file', class: 'sr-only', tabindex: '-1', 'aria-hidden': 'true' });
  const status = h('span', { class: 'hint', 'aria-live': 'polite' });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size > MAX_KEY_FILE_BYTES) {
      status.textContent = `${chosen.name} is too large for a private key (over 16 KiB).`;
      return;
    }
    area.value = await chosen.text();
    status.textContent = `Loaded ${chosen.name}. Make sure it is the private key, not the .pub file.`;
    file.value = '';
  });
  const pick = h('button', { type: 'button', class: 'btn btn-sm', onclick: () => file.click() }, icon('upload', 16), 'Load from file…');
  area.id = uid('key');
  return h(
    'div',
    { class: 'field' },
    h('div', { class: 'row' }, h('label', { for: area.id, class: 'label spacer' }, 'Private key'), pick),
    area,
    file,
    status,
  );
}
