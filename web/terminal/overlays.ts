// What sits on top of a terminal: connection progress, the error/exit panel, and the "Reconnecting…" banner.
import { CONNECT_STAGES as STAGES, type ConnectStage } from '../../shared/terminal-kinds';
import type { HostKeyInfo } from '../../shared/terminal-protocol';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';

// A stage added in shared/ fails to compile here until it has a label.
const STAGE_LABELS: Record<ConnectStage, string> = {
  resolving: 'Looking up the address',
  connecting: 'Connecting',
  authenticating: 'Logging in',
  starting: 'Starting the shell',
  ready: 'Ready',
};

export interface StageOverlay {
  el: HTMLElement;
  show(hostName: string): void;
  setStage(stage: ConnectStage): void;
  hide(): void;
}

/** `labels` renames stages for other session kinds (a desktop starts a desktop, not a shell). */
export function createStageOverlay(onCancel: () => void, labels: Partial<Record<ConnectStage, string>> = {}): StageOverlay {
  const title = h('h2', null);
  const items = STAGES.filter((s) => s !== 'ready').map((stage) =>
    h('li', { 'data-state': 'pending' }, h('span', { class: 'stage-mark', 'aria-hidden': 'true' }), labels[stage] ?? STAGE_LABELS[stage]),
  );
  const list = h('ol', { class: 'stages' }, items);
  const el = h(
    'div',
    { class: 'stage-overlay', hidden: true },
    h(
      'div',
      { class: 'card stage-card', role: 'status', 'aria-live': 'polite' },
      h('div', { class: 'row stage-title' }, icon('plug', 18), title),
      list,
      h('button', { type: 'button', class: 'btn btn-sm', onclick: onCancel }, 'Cancel'),
    ),
  );
  const setStage = (stage: ConnectStage): void => {
    const at = STAGES.indexOf(stage);
    items.forEach((li, i) => {
      const state = i < at ? 'done' : i === at ? 'current' : 'pending';
      li.dataset.state = state;
      li.querySelector('.stage-mark')!.replaceChildren(state === 'done' ? icon('check', 14) : '');
      if (state === 'current') li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
  };
  return {
    el,
    show(hostName) {
      title.textContent = `Connecting to ${hostName}`;
      setStage('resolving');
      el.hidden = false;
    },
    setStage,
    hide() {
      el.hidden = true;
    },
  };
}

export interface NoticeAction {
  label: string;
  variant?: 'primary' | 'secondary';
  iconName?: 'refresh' | 'close' | 'key' | 'plug';
  run(): void | Promise<void>;
}

export interface NoticeContent {
  tone: 'error' | 'info';
  title: string;
  body: string;
  /** The server's own words, for the curious and for bug reports. */
  details?: string;
  hostKey?: { pinned: HostKeyInfo; presented: HostKeyInfo };
  actions: NoticeAction[];
}

export interface Notice {
  el: HTMLElement;
  show(content: NoticeContent): void;
  hide(): void;
  readonly visible: boolean;
}

export function createNotice(): Notice {
  const el = h('div', { class: 'notice-wrap', hidden: true });
  const keyRow = (label: string, key: HostKeyInfo): HTMLElement[] => [
    h('dt', null, label),
    h('dd', null, h('div', { class: 'fingerprint' }, `${key.algorithm}  ${key.fingerprint}`)),
  ];
  return {
    el,
    get visible() {
      return !el.hidden;
    },
    show(c) {
      const buttons = c.actions.map((a) => {
        const b = h('button', { type: 'button', class: `btn btn-sm ${a.variant === 'primary' ? 'btn-primary' : ''}` }, a.iconName ? icon(a.iconName, 16) : null, a.label);
        b.addEventListener('click', async () => {
          b.disabled = true;
          try {
            await a.run();
          } finally {
            b.disabled = false;
          }
        });
        return b;
      });
      replaceChildren(
        el,
        h(
          'section',
          { class: `card notice notice-${c.tone}`, role: c.tone === 'error' ? 'alert' : 'status' },
          h('div', { class: 'notice-icon' }, icon(c.tone === 'error' ? 'warning' : 'plug', 20)),
          h(
            'div',
            { class: 'notice-text' },
            h('h2', null, c.title),
            h('p', null, c.body),
            c.hostKey ? h('dl', { class: 'kv notice-keys' }, keyRow('Pinned', c.hostKey.pinned), keyRow('Presented', c.hostKey.presented)) : null,
            c.details ? h('p', { class: 'notice-details' }, c.details) : null,
            h('div', { class: 'row notice-actions' }, buttons),
          ),
        ),
      );
      el.hidden = false;
      buttons[0]?.focus({ preventScroll: true });
    },
    hide() {
      el.hidden = true;
      el.replaceChildren();
    },
  };
}

export interface Banner {
  el: HTMLElement;
  show(text: string, onRetry?: () => void): void;
  hide(): void;
}

/** A small pill at the top of the terminal while the same session is being re-attached. */
export function createBanner(): Banner {
  const el = h('div', { class: 'reconnect-banner', role: 'status', 'aria-live': 'polite', hidden: true });
  return {
    el,
    show(text, onRetry) {
      replaceChildren(
        el,
        h('span', { class: 'spinner' }),
        h('span', null, text),
        onRetry ? h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: onRetry }, 'Retry now') : null,
      );
      el.hidden = false;
    },
    hide() {
      el.hidden = true;
    },
  };
}
