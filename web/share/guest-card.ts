// The guest's cards: who shared what and until when, the passcode form, and messages (opening, refused, ended).
import type { GuestLinkView } from '../../shared/share-types';
import { h } from '../ui/dom';
import { icon, type IconName } from '../ui/icons';
import { describeLink, type GuestMessage } from './guest-text';

/** A live "ends in 14:32" that the page's ticker keeps current (see `data-countdown`). */
export function countdownEl(expiresAt: number, className = 'guest-countdown'): HTMLElement {
  return h('span', { class: className, 'data-countdown': String(expiresAt) }, '');
}

/** What the link is: "Alice shared a terminal on nas (read-only)", its label and the countdown (none once it is over). */
export function linkSummary(link: GuestLinkView, over = false): HTMLElement {
  return h(
    'div',
    { class: 'guest-summary' },
    h('div', { class: 'guest-summary-icon' }, icon(link.protocol === 'ssh' ? 'terminal' : 'monitor', 22)),
    h(
      'div',
      { class: 'guest-summary-text' },
      h('h1', null, describeLink(link)),
      link.label ? h('p', { class: 'guest-label' }, `“${link.label}”`) : null,
      over ? null : h('p', { class: 'muted' }, icon('clock', 14), ' ', countdownEl(link.expiresAt)),
    ),
  );
}

export interface CardAction {
  label: string;
  iconName?: IconName;
  primary?: boolean;
  run(): void;
}

/** A centred card: a title, a sentence, and buttons; `tone` picks the icon and colour. */
export function messageCard(message: GuestMessage, tone: 'info' | 'ended' | 'error' | 'busy', actions: CardAction[] = [], top: HTMLElement | null = null): HTMLElement {
  const glyph: IconName = tone === 'error' ? 'warning' : tone === 'ended' ? 'close' : 'link';
  const mark = tone === 'busy' ? h('span', { class: 'spinner' }) : h('div', { class: `guest-mark guest-mark-${tone}` }, icon(glyph, 20));
  return h(
    'section',
    { class: 'card guest-card', role: tone === 'error' ? 'alert' : 'status' },
    top,
    h('div', { class: 'guest-message' }, mark, h('div', null, h('h2', null, message.title), message.body ? h('p', { class: 'muted' }, message.body) : null)),
    actions.length
      ? h(
          'div',
          { class: 'row guest-actions' },
          actions.map((a) => h('button', { type: 'button', class: `btn ${a.primary ? 'btn-primary' : ''}`, onclick: () => a.run() }, a.iconName ? icon(a.iconName, 16) : null, a.label)),
        )
      : null,
  );
}

/** Asks for the passcode; `error` shows under the field (wrong passcode, too many tries). */
export function passcodeCard(top: HTMLElement | null, onSubmit: (passcode: string) => void, error?: GuestMessage, waitSeconds = 0): HTMLElement {
  const input = h('input', { class: 'input', id: 'guest-passcode', type: 'password', name: 'passcode', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', required: true, 'aria-invalid': error ? 'true' : null });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('key', 16), 'Open');
  const alert = error ? h('div', { class: 'alert', role: 'alert', id: 'guest-passcode-error' }, icon('warning', 16), h('span', null, `${error.title}. ${error.body}`)) : null;
  if (alert) input.setAttribute('aria-describedby', alert.id);
  const form = h(
    'form',
    { class: 'card guest-card guest-passcode', novalidate: true },
    top,
    h('div', { class: 'guest-message' }, h('div', { class: 'guest-mark' }, icon('lock', 20)), h('div', null, h('h2', null, 'This link needs a passcode'), h('p', { class: 'muted' }, 'The person who shared it has the passcode. It usually comes separately from the link.'))),
    h('div', { class: 'field' }, h('label', { for: 'guest-passcode' }, 'Passcode'), h('div', { class: 'guest-passcode-row' }, input, submit)),
    alert,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!input.value) return input.focus();
    submit.classList.add('is-busy');
    submit.disabled = true;
    onSubmit(input.value);
  });
  // Too many tries: the button waits out the gateway's Retry-After before it works again.
  if (waitSeconds > 0) {
    submit.disabled = true;
    setTimeout(() => (submit.disabled = false), waitSeconds * 1000);
  }
  queueMicrotask(() => input.focus());
  return form;
}
