// The player page (/recordings/play?id=ID&t=SECONDS): who, where and when, notes on what was kept, then the terminal or desktop player.
import type { RecordingView } from '../../shared/recording-types';
import { errorText } from '../api';
import type { Page } from '../shell';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { prepareAsciicast } from './asciicast-text';
import { fetchText } from './fetch-text';
import { describeUser, formatBytes, formatDuration, formatStarted, PROTOCOL_LABEL, recordingLength, STATE_BADGE, STATE_LABEL } from './recording-labels';
import { recordingFileUrl, recordingsApi } from './recordings-api';
import './recordings.css';

interface Player {
  el: HTMLElement;
  dispose(): void;
  focus?(): void;
  onKey?(ev: KeyboardEvent): void;
}

export function recordingPlayerPage(query: URLSearchParams): Page {
  const id = query.get('id') ?? '';
  const startAt = Math.max(0, Number(query.get('t')) || 0);
  const title = h('h1', null, 'Recording');
  const sub = h('p', { class: 'page-sub recording-facts' });
  const actions = h('div', { class: 'row recording-actions' });
  const notes = h('div', { class: 'recording-notes' });
  const progressBar = h('progress', { class: 'recording-progress', max: '1' });
  const progressText = h('span', null, 'Loading the recording…');
  const loading = h('div', { class: 'card recording-loading', role: 'status' }, h('div', { class: 'row' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), progressText), progressBar);
  const body = h('div', { class: 'recording-body' }, loading);
  const el = h(
    'div',
    { class: 'page recording-player-page' },
    h('a', { class: 'btn btn-ghost btn-sm recording-back', href: '/recordings' }, icon('up', 16), 'Recordings'),
    h('div', { class: 'page-head' }, h('div', null, title, sub), actions),
    notes,
    body,
  );
  let player: Player | null = null;
  let disposed = false;
  const abort = new AbortController();

  function setProgress(text: string, fraction: number | null): void {
    progressText.textContent = text;
    if (fraction === null) progressBar.removeAttribute('value');
    else progressBar.value = Math.min(1, fraction);
  }

  function showHead(rec: RecordingView): void {
    title.textContent = rec.hostName;
    document.title = `Recording of ${rec.hostName} · Porthole`;
    replaceChildren(
      sub,
      h('span', { class: 'badge' }, PROTOCOL_LABEL[rec.protocol]),
      h('span', { class: `badge ${STATE_BADGE[rec.state]}` }, STATE_LABEL[rec.state]),
      rec.input ? h('span', { class: 'badge' }, icon('keyboard', 12), 'Input recorded') : null,
      rec.sealed ? h('span', { class: 'badge', title: 'Stored encrypted under the gateway key' }, icon('lock', 12), 'Encrypted') : null,
      h('span', null, [describeUser(rec.user), `started ${formatStarted(rec.startedAt)}`, `${formatDuration(recordingLength(rec))}${rec.state === 'recording' ? ' so far' : ''}`, formatBytes(rec.bytes)].join(' · ')),
    );
    replaceChildren(actions, h('a', { class: 'btn', href: recordingFileUrl(rec.id, true), download: '' }, icon('download', 16), 'Download'));
  }

  function note(kind: 'info' | 'warn', text: string): HTMLElement {
    return h('div', { class: `alert alert-${kind}` }, icon(kind === 'warn' ? 'warning' : 'eye', 16), h('span', null, text));
  }

  function showNotes(rec: RecordingView, dropped = 0): void {
    const list: HTMLElement[] = [];
    if (rec.input) list.push(note('info', rec.format === 'asciicast' ? 'Typed input was recorded in this session, passwords typed at prompts included. Press K in the player to show the keys as they were typed.' : 'Key presses and mouse movement were recorded in this session; the pointer shows where the mouse was.'));
    if (rec.state === 'recording') list.push(note('info', 'This session is still being recorded: the player shows what was written when this page opened.'));
    if (rec.state === 'interrupted') list.push(note('warn', `The recording stopped early${rec.endReason ? ` (${rec.endReason})` : ''}: it plays up to there.`));
    if (rec.state === 'failed') list.push(note('warn', `Writing the recording failed${rec.endReason ? ` (${rec.endReason})` : ''}: it plays up to where writing stopped.`));
    if (dropped > 0 && rec.state !== 'recording') list.push(note('warn', 'The end of the file was cut short; the incomplete part is left out.'));
    replaceChildren(notes, list);
  }

  function showError(message: string, rec: RecordingView | null): void {
    player?.dispose();
    player = null;
    replaceChildren(
      body,
      h(
        'div',
        { class: 'card recording-error', role: 'alert' },
        h('div', { class: 'row' }, icon('warning', 18), h('h2', null, 'Could not play this recording')),
        h('p', null, message),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void load() }, icon('refresh', 16), 'Try again'),
          rec ? h('a', { class: 'btn', href: recordingFileUrl(rec.id, true), download: '' }, icon('download', 16), 'Download the file') : null,
          h('a', { class: 'btn btn-ghost', href: '/recordings' }, 'All recordings'),
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    let rec: RecordingView | null = null;
    loading.classList.remove('is-overlay');
    replaceChildren(body, loading);
    setProgress('Loading the recording…', null);
    try {
      if (!id) throw new Error('No recording was chosen: the address needs ?id=.');
      rec = await recordingsApi.get(id);
      if (disposed) return;
      showHead(rec);
      showNotes(rec);
      const size = rec.bytes;
      const text = await fetchText(
        recordingFileUrl(rec.id),
        (loaded, total) => setProgress(`Loading the recording… ${formatBytes(loaded)} of ${formatBytes(total ?? size)}`, (total ?? size) > 0 ? loaded / (total ?? size) : null),
        abort.signal,
      );
      if (disposed) return;
      if (rec.format === 'asciicast') {
        const info = prepareAsciicast(text);
        showNotes(rec, info.dropped);
        setProgress('Starting the player…', null);
        const { TerminalPlayer } = await import('./terminal-player');
        if (disposed) return;
        player = new TerminalPlayer(info, startAt, body);
        return;
      }
      const { DesktopPlayer } = await import('./desktop-player');
      if (disposed) return;
      const shown = rec;
      const desktop = new DesktopPlayer(text, startAt * 1000, {
        progress: (fraction) => setProgress(`Preparing the frames… ${Math.round(fraction * 100)}%`, fraction),
        ready: () => {
          loading.remove();
          desktop.focus();
        },
        failed: (message) => showError(message, shown),
      });
      player = desktop;
      // The stage must be laid out while it loads, so the overlay sits on top of it until the first picture.
      body.replaceChildren(desktop.el, loading);
      loading.classList.add('is-overlay');
    } catch (err) {
      if (disposed || (err instanceof DOMException && err.name === 'AbortError')) return;
      showError(errorText(err), rec);
    }
  }

  // Space and the arrows work without first clicking into the player, unless a field has the keyboard.
  const onKey = (ev: KeyboardEvent): void => {
    const target = ev.target as Element | null;
    if (target && target !== document.body && target.closest('input, select, textarea, button, a, [contenteditable], dialog')) return;
    player?.onKey?.(ev);
  };
  document.addEventListener('keydown', onKey);

  void load();
  return {
    el,
    dispose() {
      disposed = true;
      abort.abort();
      document.removeEventListener('keydown', onKey);
      player?.dispose();
    },
  };
}
