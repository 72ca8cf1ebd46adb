// A link's audit trail (created, opened, refused, joined, left, removed, revoked, expired), loaded when first expanded.
import type { ShareEventView } from '../../shared/share-types';
import { api, errorText } from '../api';
import { h, relativeTime, replaceChildren, uid } from '../ui/dom';
import { icon } from '../ui/icons';
import { EVENT_LABEL } from './share-labels';

const TONE: Partial<Record<ShareEventView['event'], string>> = { refused: 'badge-warn', removed: 'badge-warn', revoked: 'badge-warn', joined: 'badge-ok', opened: 'badge-ok' };

function eventTable(events: ShareEventView[]): HTMLElement {
  if (events.length === 0) return h('p', { class: 'muted share-events-empty' }, 'Nothing has happened yet.');
  const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  return h(
    'table',
    { class: 'table share-events-table' },
    h('thead', null, h('tr', null, h('th', null, 'When'), h('th', null, 'What'), h('th', null, 'Who'), h('th', null, 'From'), h('th', null, 'Detail'))),
    h(
      'tbody',
      null,
      [...events]
        .sort((a, b) => b.at - a.at)
        .map((e) =>
          h(
            'tr',
            null,
            h('td', { class: 'share-event-when', title: time.format(e.at) }, relativeTime(e.at)),
            h('td', null, h('span', { class: `badge ${TONE[e.event] ?? ''}` }, EVENT_LABEL[e.event] ?? e.event)),
            h('td', null, e.actor),
            h('td', { class: 'mono share-event-source' }, e.source),
            h('td', { class: 'muted' }, e.detail),
          ),
        ),
    ),
  );
}

export interface ShareEvents {
  /** The "Activity" toggle, for the card's button row. */
  button: HTMLButtonElement;
  /** The trail itself, below the row; hidden until the button opens it. */
  panel: HTMLElement;
  readonly open: boolean;
  show(): void;
}

/** A collapsed "Activity" panel; the events load each time it opens. */
export function shareEvents(linkId: string): ShareEvents {
  const body = h('div', { class: 'share-events-body', id: uid('events'), hidden: true });
  const button = h('button', { type: 'button', class: 'btn btn-ghost btn-sm share-events-toggle', 'aria-expanded': 'false', 'aria-controls': body.id }, icon('list', 16), 'Activity');
  button.addEventListener('click', () => (body.hidden ? void show() : hide()));
  function hide(): void {
    body.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  }
  async function show(): Promise<void> {
    body.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    replaceChildren(body, h('span', { class: 'spinner', 'aria-label': 'Loading' }));
    try {
      replaceChildren(body, eventTable(await api.shareEvents(linkId)));
    } catch (err) {
      replaceChildren(body, h('div', { class: 'alert', role: 'alert' }, icon('warning', 16), h('span', null, `Could not load the activity: ${errorText(err)}`)));
    }
  }
  return {
    button,
    panel: body,
    get open() {
      return !body.hidden;
    },
    show: () => void show(),
  };
}
