// The strip of terminal tabs: host name, status dot, close button; scrolls sideways on narrow screens.
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import type { TabStatus, TerminalTab } from './terminal-tab';

const STATUS_TEXT: Record<TabStatus, string> = {
  idle: 'not attached',
  connecting: 'connecting',
  live: 'connected',
  reconnecting: 'reconnecting',
  error: 'failed',
  ended: 'ended',
  elsewhere: 'open in another browser tab',
};

export interface TabBarHooks {
  select(tab: TerminalTab): void;
  close(tab: TerminalTab): void;
  help(): void;
  /** Controls for the active session (who is watching, Share), shown at the strip's end. */
  tools?: HTMLElement;
}

export interface TabBar {
  el: HTMLElement;
  render(tabs: readonly TerminalTab[], active: TerminalTab | null): void;
}

export function createTabBar(hooks: TabBarHooks): TabBar {
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Terminals' });
  const el = h(
    'div',
    { class: 'tabbar' },
    list,
    h('a', { class: 'btn btn-ghost btn-icon btn-sm tab-add', href: '/hosts', title: 'Open another host', 'aria-label': 'Open another host' }, icon('plus', 16)),
    h('span', { class: 'spacer' }),
    hooks.tools ?? null,
    h('button', { type: 'button', class: 'btn btn-ghost btn-sm tab-help', title: 'Keyboard shortcuts', onclick: () => hooks.help() }, h('kbd', null, '?')),
  );

  let current: readonly TerminalTab[] = [];
  // Arrow keys move between tabs (the ARIA tabs pattern); Delete closes the focused one.
  list.addEventListener('keydown', (ev) => {
    const index = current.findIndex((t) => t.el.id && (ev.target as HTMLElement).getAttribute('aria-controls') === t.el.id);
    if (index < 0) return;
    const move = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
    if (move !== undefined) {
      ev.preventDefault();
      const next = current[(index + move + current.length) % current.length]!;
      hooks.select(next);
      list.querySelector<HTMLElement>(`[aria-controls="${next.el.id}"]`)?.focus();
    } else if (ev.key === 'Delete') {
      ev.preventDefault();
      hooks.close(current[index]!);
    }
  });

  return {
    el,
    render(tabs, active) {
      current = tabs;
      const focused = document.activeElement?.getAttribute('aria-controls');
      const names = new Map<string, number>();
      list.replaceChildren(
        ...tabs.map((tab) => {
          // Two tabs on the same host get "nas", "nas 2" so they can be told apart.
          const seen = (names.get(tab.label) ?? 0) + 1;
          names.set(tab.label, seen);
          const label = seen > 1 ? `${tab.label} ${seen}` : tab.label;
          const selected = tab === active;
          const button = h(
            'button',
            {
              type: 'button',
              role: 'tab',
              class: 'tab-main',
              'aria-selected': String(selected),
              'aria-controls': tab.el.id,
              tabindex: selected ? '0' : '-1',
              title: `${label}: ${STATUS_TEXT[tab.status]}`,
              onclick: () => hooks.select(tab),
            },
            h('span', { class: 'dot', 'data-status': tab.status }, h('span', { class: 'sr-only' }, `${STATUS_TEXT[tab.status]}: `)),
            h('span', { class: 'tab-label' }, label),
          );
          const wrap = h(
            'div',
            { class: `tab${selected ? ' is-active' : ''}`, role: 'presentation', onauxclick: (ev: MouseEvent) => ev.button === 1 && hooks.close(tab) },
            button,
            h('button', { type: 'button', class: 'tab-close', 'aria-label': `Close ${label}`, title: 'Close', tabindex: '-1', onclick: () => hooks.close(tab) }, icon('close', 14)),
          );
          if (selected) requestAnimationFrame(() => wrap.scrollIntoView({ block: 'nearest', inline: 'nearest' }));
          return wrap;
        }),
      );
      if (focused) list.querySelector<HTMLElement>(`[aria-controls="${focused}"]`)?.focus();
    },
  };
}
