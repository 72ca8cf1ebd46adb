// A row of keys phones do not have (Esc, Tab, Ctrl, arrows) under the terminal; shown only on touch screens.
import { h } from '../ui/dom';
import type { TouchKey } from './key-sequences';

export interface TouchKeys {
  el: HTMLElement;
  /** True once after Ctrl was tapped: the next typed character becomes a control character. */
  takeCtrl(): boolean;
}

export function createTouchKeys(send: (key: TouchKey) => void, refocus: () => void): TouchKeys {
  let ctrl = false;
  const ctrlButton = h('button', { type: 'button', class: 'touch-key', 'aria-pressed': 'false' }, 'Ctrl');
  const setCtrl = (on: boolean): void => {
    ctrl = on;
    ctrlButton.setAttribute('aria-pressed', String(on));
  };
  const keys: [TouchKey, string, string][] = [
    ['esc', 'Esc', 'Escape'],
    ['tab', 'Tab', 'Tab'],
    ['left', '←', 'Left arrow'],
    ['down', '↓', 'Down arrow'],
    ['up', '↑', 'Up arrow'],
    ['right', '→', 'Right arrow'],
  ];
  const buttons = keys.map(([key, label, name]) => {
    const b = h('button', { type: 'button', class: 'touch-key', 'aria-label': name }, label);
    b.addEventListener('click', () => {
      send(key);
      refocus();
    });
    return b;
  });
  ctrlButton.addEventListener('click', () => {
    setCtrl(!ctrl);
    refocus();
  });
  const el = h('div', { class: 'touch-keys', role: 'toolbar', 'aria-label': 'Extra keys' }, buttons[0]!, buttons[1]!, ctrlButton, ...buttons.slice(2));
  // Keep the on-screen keyboard open: a tap on these buttons must not take focus from the terminal.
  el.addEventListener('pointerdown', (ev) => ev.preventDefault());
  return {
    el,
    takeCtrl() {
      if (!ctrl) return false;
      setCtrl(false);
      return true;
    },
  };
}
