// Questions the session asks the person: trust a host key on first use, keyboard-interactive prompts.
import type { HostKeyInfo, TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal-protocol';
import { showDialog, type DialogHandle } from '../ui/dialog';
import { h, uid } from '../ui/dom';
import { icon } from '../ui/icons';

/** Resolves true for Trust; false/undefined means do not connect. */
export function askHostKey(hostName: string, key: HostKeyInfo): DialogHandle<boolean> {
  return showDialog<boolean>({
    title: `First connection to ${hostName}`,
    size: 'lg',
    body: [
      h('p', null, 'The gateway has not seen this host before. Trust this key?'),
      h(
        'dl',
        { class: 'kv' },
        h('dt', null, 'Algorithm'),
        h('dd', null, h('code', null, key.algorithm)),
        h('dt', null, 'Fingerprint'),
        h('dd', null, h('div', { class: 'fingerprint' }, key.fingerprint)),
      ),
      h(
        'div',
        { class: 'alert alert-info' },
        icon('shield', 16),
        h(
          'span',
          null,
          'To be sure, compare it with ',
          h('code', null, 'ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub'),
          ' on the host. Once trusted, the key is pinned and a different key will be refused.',
        ),
      ),
    ],
    actions: [{ label: 'Trust and connect', isDefault: true, run: () => true }],
  });
}

type PromptMessage = Extract<TerminalServerMessage, { type: 'prompt' }>;

/** One field per prompt (hidden input when the host says echo=false); resolves with the answers in order. */
export function askPrompts(hostName: string, msg: PromptMessage): DialogHandle<string[]> {
  const inputs = msg.prompts.map((p, i) => {
    const id = uid('prompt');
    const input = h('input', {
      id,
      class: 'input',
      type: p.echo ? 'text' : 'password',
      autocomplete: p.echo ? 'off' : 'current-password',
      autocapitalize: 'off',
      spellcheck: 'false',
      autofocus: i === 0,
    });
    return { input, field: h('div', { class: 'field' }, h('label', { for: id }, p.prompt.trim() || `Answer ${i + 1}`), input) };
  });
  return showDialog<string[]>({
    title: msg.name.trim() || `Sign in to ${hostName}`,
    body: [
      msg.instructions.trim() ? h('p', { class: 'prompt-instructions' }, msg.instructions.trim()) : h('p', { class: 'muted' }, `${hostName} asks:`),
      ...inputs.map((x) => x.field),
    ],
    actions: [{ label: 'Continue', isDefault: true, run: () => inputs.map((x) => x.input.value) }],
  });
}

type Question = Extract<TerminalServerMessage, { type: 'hostkey' | 'prompt' }>;

/** At most one open question per session; one the socket outlived is closed without an answer. */
export class Questions {
  private open: DialogHandle<unknown> | null = null;

  ask(msg: Question, hostName: string, reply: (answer: TerminalClientMessage) => void): void {
    // Some servers send an info request with no questions (only instructions): answer it silently.
    if (msg.type === 'prompt' && msg.prompts.length === 0) return reply({ type: 'prompt-answer', answers: [] });
    this.close();
    if (msg.type === 'hostkey') {
      const dialog = askHostKey(hostName, msg.key);
      this.wait(dialog, (accept) => reply({ type: 'hostkey-answer', accept: accept === true }));
    } else {
      const dialog = askPrompts(hostName, msg);
      this.wait(dialog, (answers) => reply({ type: 'prompt-answer', answers: answers ?? [] }));
    }
  }

  close(): void {
    const q = this.open;
    this.open = null;
    q?.close();
  }

  private wait<T>(dialog: DialogHandle<T>, answer: (value: T | undefined) => void): void {
    this.open = dialog;
    void dialog.result.then((value) => {
      if (this.open !== dialog) return; // closed because the socket dropped: nobody to answer
      this.open = null;
      answer(value);
    });
  }
}
