// The one "Share…" dialog: a host (open it with its stored login) or a live session (watch or co-drive), for how long, how often, for whom.
import type { HostView, MeView, SessionView } from '../../shared/api-types';
import type { CreatedShareLink, ShareMode } from '../../shared/share-types';
import { api, ApiRequestError, errorText } from '../api';
import { showDialog } from '../ui/dialog';
import { h, uid } from '../ui/dom';
import { toast } from '../ui/toast';
import { showCreatedLink } from './share-created';
import { EXPIRY_PRESETS, readShareForm, type ExpiryPreset, type ShareFormField, type ShareTargetValue } from './share-form-values';
import { AUDIENCE_LABEL, MODE_LABEL } from './share-labels';

type Protocol = HostView['protocol'] | SessionView['protocol'];

/** What the Share button was pressed on; null when the Sharing page asks for a choice. */
export type ShareTarget =
  | { kind: 'host'; hostId: string; hostName: string; protocol: Protocol }
  | { kind: 'session'; sessionId: string; hostName: string; protocol: Protocol };

interface Choice {
  value: string;
  label: string;
  target: ShareTargetValue;
}

function segmented<T extends string>(name: string, options: readonly { value: T; label: string }[], checked: T): { el: HTMLElement; value(): T; inputs: HTMLInputElement[] } {
  const inputs = options.map((o) => h('input', { type: 'radio', name, value: o.value, checked: o.value === checked }));
  const el = h('div', { class: 'segmented', role: 'radiogroup' }, options.map((o, i) => h('label', null, inputs[i], o.label)));
  return { el, inputs, value: () => (inputs.find((i) => i.checked)?.value as T) ?? checked };
}

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id ||= uid('f');
  const hintEl = hint ? h('span', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  const isGroup = control.getAttribute('role') === 'radiogroup';
  const labelEl = isGroup ? h('span', { class: 'label', id: `${control.id}-label` }, label) : h('label', { for: control.id }, label);
  if (isGroup) control.setAttribute('aria-labelledby', labelEl.id);
  return h('div', { class: 'field' }, labelEl, control, hintEl);
}

/** Loads what the person may share (hosts they may open, their live sessions) for the Sharing page's dialog. */
async function loadChoices(): Promise<Choice[]> {
  const [hosts, sessions] = await Promise.all([api.listHosts(), api.listSessions()]);
  const kindOf = (p: Protocol): string => (p === 'ssh' ? 'terminal' : 'desktop');
  return [
    ...sessions
      .filter((s) => s.stage !== 'closed')
      .map((s) => ({ value: `session:${s.id}`, label: `Live ${kindOf(s.protocol)} session on ${s.hostName}`, target: { kind: 'session' as const, sessionId: s.id } })),
    ...hosts
      .filter((x) => x.canOpen.includes(x.protocol))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((x) => ({ value: `host:${x.id}`, label: `${x.name} (${kindOf(x.protocol)}, with its stored login)`, target: { kind: 'host' as const, hostId: x.id } })),
  ];
}

let gatewayMode: Promise<MeView['mode']> | null = null;
/** Local mode has no tailnet to limit a link to: every link is for whoever holds it. */
function modeOfGateway(): Promise<MeView['mode']> {
  gatewayMode ??= api.me().then((me) => me.mode, () => {
    gatewayMode = null;
    return 'tailnet' as const;
  });
  return gatewayMode;
}

/** Opens the dialog; after creating, shows the link once. Resolves with the created link, or undefined. */
export async function openShareDialog(target: ShareTarget | null): Promise<CreatedShareLink | undefined> {
  const local = (await modeOfGateway()) === 'local';
  let choices: Choice[] = [];
  if (!target) {
    try {
      choices = await loadChoices();
    } catch (err) {
      toast(`Could not list what you can share: ${errorText(err)}`, 'error');
      return undefined;
    }
    if (choices.length === 0) {
      toast('Nothing to share: you have no host you may open and no live session.', 'info');
      return undefined;
    }
  }
  const select = h('select', { class: 'select input', name: 'target' }, choices.map((c) => h('option', { value: c.value }, c.label)));
  const chosen = (): ShareTargetValue | null =>
    target ? (target.kind === 'host' ? { kind: 'host', hostId: target.hostId } : { kind: 'session', sessionId: target.sessionId }) : (choices.find((c) => c.value === select.value)?.target ?? null);

  const mode = segmented<ShareMode>('mode', [{ value: 'view', label: MODE_LABEL.view }, { value: 'control', label: MODE_LABEL.control }], 'view');
  const expiry = segmented<ExpiryPreset>('expiry', EXPIRY_PRESETS.map((p) => ({ value: p.id, label: p.label })), '1h');
  const customMinutes = h('input', { class: 'input', name: 'customMinutes', inputmode: 'numeric', placeholder: 'Minutes, e.g. 90', autocomplete: 'off' });
  const maxUses = h('input', { class: 'input', name: 'maxUses', inputmode: 'numeric', autocomplete: 'off' });
  const audience = segmented('audience', [{ value: 'tailnet', label: AUDIENCE_LABEL.tailnet }, { value: 'anyone', label: AUDIENCE_LABEL.anyone }] as const, local ? 'anyone' : 'tailnet');
  const passcode = h('input', { class: 'input', name: 'passcode', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', placeholder: 'None' });
  const label = h('input', { class: 'input', name: 'label', maxlength: '100', autocomplete: 'off', placeholder: 'e.g. for Sam, printer fix' });
  const controls: Record<ShareFormField, HTMLElement> = { target: select, customMinutes, maxUses, passcode, label };

  const customField = field('Minutes', customMinutes);
  const modeField = field('Guests may', mode.el, 'Typing guests share your keyboard; the terminal keeps your size.');
  const usesField = field('Uses', maxUses);
  const audienceHint = h('span', { class: 'hint' });
  const audienceField = field('Who may open it', audience.el);
  audienceField.append(audienceHint);
  audience.el.hidden = local;

  function sync(): void {
    const kind = chosen()?.kind ?? 'host';
    modeField.hidden = kind !== 'session';
    customField.hidden = expiry.value() !== 'custom';
    maxUses.placeholder = kind === 'host' ? '1' : 'No limit';
    usesField.querySelector('.hint')?.remove();
    usesField.append(h('span', { class: 'hint' }, kind === 'host' ? 'How many times the link may be opened. Each opening starts a new session.' : 'How many times guests may join. Empty: until the link expires.'));
    audienceHint.textContent = local
      ? 'This gateway runs in local mode, without a tailnet: whoever holds the link can open it. A passcode adds a second key.'
      : audience.value() === 'anyone'
        ? 'Anyone holding the link, also from the internet through Funnel if it is set up. Add a passcode.'
        : 'Only people and devices on your tailnet.';
  }
  for (const input of [...mode.inputs, ...expiry.inputs, ...audience.inputs]) input.addEventListener('change', sync);
  select.addEventListener('change', sync);
  sync();
  // The dialog focuses the first [autofocus]: the choice when there is one, else the first setting that applies.
  (target ? (target.kind === 'session' ? mode.inputs[0]! : expiry.inputs.find((i) => i.checked)!) : select).setAttribute('autofocus', '');

  const what = target ? (target.kind === 'host' ? `${target.hostName} with its stored login` : `your live session on ${target.hostName}`) : null;
  const body = [
    what ? h('p', { class: 'muted' }, `The guest gets ${what}, without seeing any password.`) : field('Share', select),
    modeField,
    field('Link lasts', expiry.el),
    customField,
    usesField,
    audienceField,
    h('div', { class: 'field-row share-secret-row' }, field('Passcode (optional)', passcode, 'Send it to the guest apart from the link.'), field('Label (optional)', label, 'Shown on your list and to the guest.')),
  ];

  const result = await showDialog<CreatedShareLink | null>({
    title: target ? `Share ${target.kind === 'session' ? 'this session' : target.hostName}` : 'New share link',
    size: 'lg',
    body,
    actions: [
      {
        label: 'Create link',
        isDefault: true,
        run: async () => {
          for (const c of Object.values(controls)) c.removeAttribute('aria-invalid');
          const read = readShareForm({
            target: chosen(),
            mode: mode.value(),
            expiry: expiry.value(),
            customMinutes: customMinutes.value,
            maxUses: maxUses.value,
            passcode: passcode.value,
            audience: audience.value(),
            label: label.value,
          });
          if (!read.ok) {
            controls[read.field].setAttribute('aria-invalid', 'true');
            controls[read.field].focus();
            throw new Error(read.message);
          }
          try {
            return await api.createShare(read.value);
          } catch (err) {
            // Not allowed to share this: nothing in the form can change that, so say why and close.
            if (err instanceof ApiRequestError && err.status === 403) {
              toast(err.message, 'error');
              return null;
            }
            throw err;
          }
        },
      },
    ],
  }).result;
  if (!result) return undefined;
  await showCreatedLink(result);
  return result;
}
