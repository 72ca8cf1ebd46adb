// Modal dialogs on the native <dialog>: Esc cancels, Enter runs the default action, errors show inline.
import { errorText } from '../api/client';
import { append, h } from './dom';
import { icon } from './icons';

export interface DialogAction<T> {
  label: string;
  variant?: 'primary' | 'danger' | 'secondary';
  /** Enter in a field runs this action (the form's submit). */
  isDefault?: boolean;
  /** Its return value closes the dialog and resolves `result`; a throw shows the message and keeps it open. */
  run: (form: HTMLFormElement) => T | Promise<T>;
}

export interface DialogOptions<T> {
  title: string;
  body: (Node | string)[];
  actions: DialogAction<T>[];
  /** Label of the button that just closes; null for none. */
  cancelLabel?: string | null;
  size?: 'sm' | 'md' | 'lg';
}

export interface DialogHandle<T> {
  /** Resolves with the action's value, or undefined when cancelled (Esc, ×, Cancel, close()). */
  result: Promise<T | undefined>;
  close(): void;
  element: HTMLDialogElement;
}

export function showDialog<T>(options: DialogOptions<T>): DialogHandle<T> {
  const previousFocus = document.activeElement as HTMLElement | null;
  const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
  // Outside the scrolling body, so a long form never hides why Save did nothing.
  const error = h('div', { class: 'alert dialog-error', role: 'alert', hidden: true });
  const body = h('div', { class: 'dialog-body' });
  append(body, options.body);
  const foot = h('div', { class: 'dialog-foot' });
  const form = h('form', { novalidate: true }, h('div', { class: 'dialog-head' }), body, error, foot);
  const dialog = h('dialog', { class: `dialog size-${options.size ?? 'md'}`, 'aria-labelledby': titleId }, form);

  let settle!: (value: T | undefined) => void;
  const result = new Promise<T | undefined>((resolve) => (settle = resolve));
  let done = false;
  const finish = (value: T | undefined): void => {
    if (done) return;
    done = true;
    settle(value);
    if (dialog.open) dialog.close();
    dialog.remove();
    if (previousFocus?.isConnected) previousFocus.focus();
  };

  const closeButton = h('button', { type: 'button', class: 'btn btn-ghost btn-icon', 'aria-label': 'Close', onclick: () => finish(undefined) }, icon('close'));
  form.firstElementChild!.append(h('h2', { id: titleId }, options.title), closeButton);

  if (options.cancelLabel !== null) {
    foot.append(h('button', { type: 'button', class: 'btn btn-cancel', onclick: () => finish(undefined) }, options.cancelLabel ?? 'Cancel'));
  }
  const buttons = options.actions.map((action) => {
    const variant = action.variant === 'secondary' ? '' : `btn-${action.variant ?? 'primary'}`;
    const button = h('button', { type: action.isDefault ? 'submit' : 'button', class: `btn ${variant}` }, action.label);
    if (!action.isDefault) button.addEventListener('click', () => void runAction(action, button));
    foot.append(button);
    return { action, button };
  });

  async function runAction(action: DialogAction<T>, button: HTMLButtonElement): Promise<void> {
    error.hidden = true;
    setBusy(true, button);
    try {
      finish(await action.run(form));
    } catch (err) {
      error.replaceChildren(icon('warning', 16), h('span', null, errorText(err)));
      error.hidden = false;
      setBusy(false, button);
    }
  }
  function setBusy(busy: boolean, button: HTMLButtonElement): void {
    for (const b of foot.querySelectorAll('button')) b.disabled = busy;
    closeButton.disabled = busy;
    button.classList.toggle('is-busy', busy);
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const target = buttons.find((b) => b.action.isDefault);
    if (target && !target.button.disabled) void runAction(target.action, target.button);
  });
  // Esc fires `cancel`; route it through finish so the promise settles and focus comes back.
  dialog.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    if (!closeButton.disabled) finish(undefined);
  });

  document.body.append(dialog);
  dialog.showModal();
  // Native focus goes to the first focusable element: the × button. A field (or the default action) is better.
  const first = body.querySelector<HTMLElement>('[autofocus], input:not([type=hidden]):not([type=radio]), textarea') ??
    buttons.find((b) => b.action.isDefault)?.button;
  first?.focus();
  return { result, close: () => finish(undefined), element: dialog };
}

/** A yes/no question; resolves true only when the person confirms. */
export async function confirmDialog(options: {
  title: string;
  body: (Node | string)[];
  confirmLabel: string;
  danger?: boolean;
}): Promise<boolean> {
  const handle = showDialog<true>({
    title: options.title,
    body: options.body,
    size: 'sm',
    actions: [{ label: options.confirmLabel, variant: options.danger ? 'danger' : 'primary', isDefault: true, run: () => true }],
  });
  return (await handle.result) === true;
}
