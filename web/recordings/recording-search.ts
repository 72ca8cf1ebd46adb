// Full-text search across recordings: the box, then each hit with its host, user, moment and the matched line, linking to that moment.
import type { RecordingSearchHit, RecordingSearchResult } from '../../shared/recording-types';
import { errorText } from '../api';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { splitMatches } from './match-highlight';
import { describeUser, formatDuration, formatStarted, playerHref, PROTOCOL_LABEL } from './recording-labels';
import { recordingsApi } from './recordings-api';

/** The server searches for nothing shorter (every recording would match a single letter). */
const MIN_QUERY = 2;

export interface RecordingSearch {
  form: HTMLFormElement;
  results: HTMLElement;
  /** Runs a search as if typed (the page restores one from its address). */
  run(text: string): void;
  dispose(): void;
}

/** `changed` hears the search text each time one runs or is cleared, so the page can keep it in its address. */
export function createRecordingSearch(changed: (text: string) => void): RecordingSearch {
  const input = h('input', { type: 'search', class: 'input', name: 'q', placeholder: 'Search what was typed or shown, e.g. rm -rf', 'aria-label': 'Search recordings', autocomplete: 'off', enterkeyhint: 'search' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 16), h('span', { class: 'btn-label' }, 'Search'));
  const form = h('form', { class: 'recording-search', role: 'search' }, h('div', { class: 'recording-search-field' }, icon('search', 16), input), submit);
  const results = h('section', { class: 'recording-hits', 'aria-live': 'polite', hidden: true });
  let controller: AbortController | null = null;

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    run(input.value);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && input.value) {
      ev.preventDefault();
      run('');
    }
  });

  function run(raw: string): void {
    const text = raw.trim();
    input.value = text;
    controller?.abort();
    changed(text);
    if (!text) {
      results.hidden = true;
      results.replaceChildren();
      return;
    }
    results.hidden = false;
    if (text.length < MIN_QUERY) {
      replaceChildren(results, h('p', { class: 'muted recording-hits-busy' }, `Type at least ${MIN_QUERY} characters to search.`));
      return;
    }
    const current = (controller = new AbortController());
    results.setAttribute('aria-busy', 'true');
    replaceChildren(results, h('div', { class: 'row muted recording-hits-busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Searching for “${text}”…`));
    recordingsApi.search(text, 100, current.signal).then(
      (result) => {
        if (current.signal.aborted) return;
        results.removeAttribute('aria-busy');
        render(text, result);
      },
      (err: unknown) => {
        if (current.signal.aborted) return;
        results.removeAttribute('aria-busy');
        replaceChildren(results, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Search failed: ${errorText(err)}`)));
      },
    );
  }

  function render(text: string, result: RecordingSearchResult): void {
    const count = result.hits.length;
    const head = h(
      'div',
      { class: 'recording-hits-head' },
      h('h2', null, count === 0 ? `No matches for “${text}”` : `${count} ${count === 1 ? 'match' : 'matches'} for “${text}”`),
      h('span', { class: 'muted' }, `${result.searched} ${result.searched === 1 ? 'recording' : 'recordings'} searched${result.truncated ? '; the search stopped early, so narrow it to see the rest' : ''}`),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => run('') }, icon('close', 14), 'Clear search'),
    );
    replaceChildren(results, head, count ? h('ol', { class: 'recording-hit-list' }, result.hits.map((hit) => hitItem(hit, text))) : null);
  }

  return { form, results, run, dispose: () => controller?.abort() };
}

function hitItem(hit: RecordingSearchHit, text: string): HTMLLIElement {
  const rec = hit.recording;
  const line = h('code', { class: 'recording-hit-line' }, splitMatches(hit.line, text).map((part) => (part.match ? h('mark', null, part.text) : part.text)));
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'card recording-hit', href: playerHref(rec.id, hit.at) },
      h(
        'span',
        { class: 'recording-hit-meta' },
        h('strong', null, rec.hostName),
        h('span', { class: 'badge' }, PROTOCOL_LABEL[rec.protocol]),
        h('span', { class: 'muted' }, `${describeUser(rec.user)} · ${formatStarted(rec.startedAt)}`),
        h('span', { class: 'recording-hit-at' }, hit.stream === 'input' ? `typed at ${formatDuration(hit.at * 1000)}` : `at ${formatDuration(hit.at * 1000)}`),
      ),
      line,
    ),
  );
}
