// The head every page starts with: its title (with an optional count or badge), one line saying what it holds, and its actions.
import { h } from './dom';

export function pageHead(title: (string | Node | null)[] | string, sub: string | null, ...actions: (Node | null)[]): HTMLElement {
  const heading = typeof title === 'string' ? [title] : title;
  return h('div', { class: 'page-head' }, h('div', null, h('h1', null, ...heading), sub ? h('p', { class: 'page-sub' }, sub) : null), ...actions);
}
