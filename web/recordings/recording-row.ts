// One recording in the list: host and protocol, who, when, how long and big, its state, Play, and (admins) Delete.
import type { RecordingView } from '../../shared/recording-types';
import { runConfirmed } from '../ui/confirmed-action';
import { h, relativeTime } from '../ui/dom';
import { icon } from '../ui/icons';
import { describeUser, formatBytes, formatDuration, formatStarted, playerHref, PROTOCOL_LABEL, recordingLength, STATE_BADGE, STATE_LABEL } from './recording-labels';
import { recordingsApi } from './recordings-api';

export interface RecordingRowHooks {
  canDelete: boolean;
  deleted(recording: RecordingView): void;
}

export function recordingRow(rec: RecordingView, hooks: RecordingRowHooks): HTMLTableRowElement {
  const started = formatStarted(rec.startedAt);
  const live = rec.state === 'recording';
  // The server refuses to delete a recording still being written, so a live one offers no Delete (a gap keeps Play aligned).
  const del = !hooks.canDelete ? null : live ? h('span', { class: 'recording-delete-gap', 'aria-hidden': 'true' }) : deleteButton(rec, started, hooks);
  const href = playerHref(rec.id);
  return h(
    'tr',
    { class: 'recording-row', 'data-recording': rec.id },
    h(
      'td',
      { class: 'recording-host' },
      h(
        'div',
        { class: 'recording-host-cell' },
        h('div', { class: 'host-icon recording-kind', 'aria-hidden': 'true' }, icon(rec.protocol === 'ssh' ? 'terminal' : 'monitor', 18)),
        h('div', { class: 'recording-host-text' }, h('a', { href, class: 'recording-host-name' }, rec.hostName), h('span', { class: 'badge recording-protocol' }, PROTOCOL_LABEL[rec.protocol])),
      ),
    ),
    h('td', { class: 'recording-user' }, h('span', { class: 'recording-user-name' }, rec.user.name || rec.user.principal), rec.user.device ? h('span', { class: 'muted recording-device' }, rec.user.device) : null),
    h('td', { class: 'recording-started' }, h('time', { datetime: new Date(rec.startedAt).toISOString(), title: new Date(rec.startedAt).toLocaleString() }, started), h('span', { class: 'muted recording-ago' }, relativeTime(rec.startedAt))),
    h(
      'td',
      { class: 'recording-length' },
      h('span', { class: 'recording-duration', title: 'Duration' }, live ? `${formatDuration(recordingLength(rec))} so far` : formatDuration(recordingLength(rec))),
      h('span', { class: 'muted recording-size', title: 'Size on disk' }, formatBytes(rec.bytes)),
    ),
    h(
      'td',
      { class: 'recording-badges' },
      h('span', { class: `badge recording-state ${STATE_BADGE[rec.state]}`, title: rec.endReason ?? '' }, live ? h('span', { class: 'live-dot', 'aria-hidden': 'true' }) : null, STATE_LABEL[rec.state]),
      rec.input ? h('span', { class: 'badge recording-input', title: rec.protocol === 'ssh' ? 'Typed input was recorded' : 'Key presses and mouse movement were recorded' }, icon('keyboard', 12), 'Input') : null,
    ),
    h('td', { class: 'actions' }, h('a', { class: 'btn btn-sm', href, 'aria-label': `Play the recording of ${rec.hostName} from ${started}` }, icon('play', 14), h('span', { class: 'btn-label' }, 'Play')), del),
  );
}

function deleteButton(rec: RecordingView, started: string, hooks: RecordingRowHooks): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'btn btn-ghost btn-icon btn-sm recording-delete', 'aria-label': `Delete the recording of ${rec.hostName} from ${started}`, title: 'Delete' }, icon('trash', 16));
  button.addEventListener('click', () =>
    void runConfirmed({
      title: 'Delete this recording?',
      consequence: `The recording of ${rec.hostName} by ${describeUser(rec.user)} from ${started} (${formatBytes(rec.bytes)}) is removed from the gateway's disk. This cannot be undone.`,
      confirmLabel: 'Delete recording',
      run: () => recordingsApi.remove(rec.id),
      done: 'Recording deleted',
      after: () => hooks.deleted(rec),
    }),
  );
  return button;
}

/** The table around the rows, with headings a screen reader can use (the phone layout hides them). */
export function recordingTable(): { el: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = h('tbody');
  const el = h(
    'table',
    { class: 'table recording-table' },
    h('thead', null, h('tr', null, ...['Host', 'User', 'Started', 'Length', 'State'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
    body,
  );
  return { el, body };
}
