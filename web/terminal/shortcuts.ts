// Tab-switching keys chosen so they never collide with what shells and TUIs use (and their help text).
import { h } from '../ui/dom';

export type ShortcutAction = { kind: 'step'; step: 1 | -1 } | { kind: 'index'; index: number };

/**
 * Ctrl+Shift+PageUp/PageDown: previous/next tab (the GNOME Terminal habit).
 * Ctrl+Shift+1..9: tab by position. Alt+digit is left to the shell (irssi, weechat, mc use it).
 */
export function workspaceShortcut(ev: KeyboardEvent): ShortcutAction | null {
  if (ev.type !== 'keydown' || !ev.ctrlKey || !ev.shiftKey || ev.altKey || ev.metaKey) return null;
  if (ev.key === 'PageUp') return { kind: 'step', step: -1 };
  if (ev.key === 'PageDown') return { kind: 'step', step: 1 };
  const digit = /^Digit([1-9])$/.exec(ev.code);
  return digit ? { kind: 'index', index: Number(digit[1]) - 1 } : null;
}

export function shortcutHelp(): HTMLElement {
  const rows: [string[], string][] = [
    [['Ctrl', 'Shift', 'PageUp'], 'Previous tab'],
    [['Ctrl', 'Shift', 'PageDown'], 'Next tab'],
    [['Ctrl', 'Shift', '1…9'], 'Go to tab by position'],
    [['Ctrl', 'Shift', 'C'], 'Copy selection (or right-click it; ⌘C on a Mac)'],
    [['Ctrl', 'Shift', 'V'], 'Paste (⌘V on a Mac)'],
    [['Ctrl', 'Shift', 'F'], 'Find in the terminal'],
  ];
  return h(
    'dl',
    { class: 'kv shortcuts' },
    rows.flatMap(([keys, what]) => [
      h('dt', null, keys.flatMap((k, i) => [i ? '+' : '', h('kbd', null, k)])),
      h('dd', null, what),
    ]),
  );
}
