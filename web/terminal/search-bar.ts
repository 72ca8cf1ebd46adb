// The small find bar over a terminal (Ctrl+Shift+F): Enter next, Shift+Enter previous, Esc closes.
import type { ISearchOptions, SearchAddon } from '@xterm/addon-search';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { isDark } from '../ui/theme';

export interface SearchBar {
  el: HTMLElement;
  open(): void;
  close(): void;
}

export function createSearchBar(search: SearchAddon, focusTerminal: () => void): SearchBar {
  const input = h('input', {
    class: 'input',
    type: 'search',
    placeholder: 'Find',
    'aria-label': 'Find in terminal',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const count = h('span', { class: 'search-count', 'aria-live': 'polite' });
  const caseToggle = h('button', { type: 'button', class: 'btn btn-ghost btn-icon btn-sm search-case', title: 'Match case', 'aria-pressed': 'false' }, 'Aa');

  const options = (): ISearchOptions => {
    const dark = isDark();
    return {
      caseSensitive: caseToggle.getAttribute('aria-pressed') === 'true',
      decorations: {
        matchBackground: dark ? '#3b4a63' : '#fde68a',
        activeMatchBackground: dark ? '#b7791f' : '#f59e0b',
        matchOverviewRuler: '#d4a017',
        activeMatchColorOverviewRuler: '#f59e0b',
      },
    };
  };
  const next = (): void => void search.findNext(input.value, { ...options(), incremental: false });
  const previous = (): void => void search.findPrevious(input.value, options());

  search.onDidChangeResults(({ resultIndex, resultCount }) => {
    if (!input.value) count.textContent = '';
    else if (resultCount === 0) count.textContent = 'No results';
    else count.textContent = resultIndex >= 0 ? `${resultIndex + 1} of ${resultCount}` : `${resultCount}+`;
  });

  input.addEventListener('input', () => {
    if (input.value) search.findNext(input.value, { ...options(), incremental: true });
    else {
      search.clearDecorations();
      count.textContent = '';
    }
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      if (ev.shiftKey) previous();
      else next();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      bar.close();
    }
  });
  caseToggle.addEventListener('click', () => {
    caseToggle.setAttribute('aria-pressed', String(caseToggle.getAttribute('aria-pressed') !== 'true'));
    if (input.value) next();
  });

  const el = h(
    'div',
    { class: 'search-bar', role: 'search', hidden: true },
    icon('search', 16),
    input,
    count,
    caseToggle,
    h('button', { type: 'button', class: 'btn btn-ghost btn-icon btn-sm', title: 'Previous (Shift+Enter)', 'aria-label': 'Previous match', onclick: previous }, icon('up', 16)),
    h('button', { type: 'button', class: 'btn btn-ghost btn-icon btn-sm', title: 'Next (Enter)', 'aria-label': 'Next match', onclick: next }, icon('down', 16)),
    h('button', { type: 'button', class: 'btn btn-ghost btn-icon btn-sm', title: 'Close (Esc)', 'aria-label': 'Close find', onclick: () => bar.close() }, icon('close', 16)),
  );

  const bar: SearchBar = {
    el,
    open() {
      el.hidden = false;
      input.focus();
      input.select();
    },
    close() {
      el.hidden = true;
      search.clearDecorations();
      focusTerminal();
    },
  };
  return bar;
}
