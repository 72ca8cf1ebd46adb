// One session on the Live page: host, protocol, owner and device, state, viewers, age and a recording dot; Watch and End.
import type { LiveSessionView } from '../../shared/recording-types';
import { api } from '../api';
import { runConfirmed } from '../ui/confirmed-action';
import { h, relativeTime } from '../ui/dom';
import { icon } from '../ui/icons';
import { ownerText, PROTOCOL_LABEL, stateText, viewersText } from './live-labels';

export interface LiveItemHooks {
  changed(): void;
}

export function watchHref(sessionId: string): string {
  return `/live?watch=${encodeURIComponent(sessionId)}`;
}

export function endLiveSession(s: LiveSessionView, after: () => void): Promise<boolean> {
  return runConfirmed({
    title: `End ${s.owner.name}'s session on ${s.hostName}?`,
    consequence: `It closes at once for ${s.owner.name} and anyone watching, and their page says an admin ended it.`,
    confirmLabel: 'End session',
    run: () => api.endSession(s.id),
    done: 'Session ended',
    after,
  });
}

export function liveItem(s: LiveSessionView, hooks: LiveItemHooks): HTMLElement {
  const state = stateText(s);
  const whose = `${s.owner.name}'s session on ${s.hostName}`;
  const end = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': `End ${whose}` }, icon('close', 16), h('span', null, 'End'));
  end.addEventListener('click', () => void endLiveSession(s, hooks.changed));
  return h(
    'article',
    { class: 'card live-item', 'aria-label': whose, 'data-session': s.id },
    h(
      'div',
      { class: 'host-icon live-icon' },
      icon(s.protocol === 'ssh' ? 'terminal' : 'monitor', 20),
      // Recorded sessions carry a red dot, the way a camera shows it is rolling.
      s.recordingId ? h('span', { class: 'live-rec-dot', role: 'img', title: 'Being recorded', 'aria-label': 'Being recorded' }) : null,
    ),
    h(
      'div',
      { class: 'live-id' },
      h(
        'div',
        { class: 'live-title' },
        h('h3', null, s.hostName),
        h('span', { class: 'badge' }, PROTOCOL_LABEL[s.protocol]),
        h('span', { class: `badge${state.tone === 'muted' ? '' : ` badge-${state.tone}`}` }, state.text),
      ),
      h(
        'div',
        { class: 'live-sub muted' },
        h('span', { class: 'live-owner', title: s.owner.principal }, icon('user', 12), ownerText(s.owner)),
        h('span', { class: 'live-since', 'data-since': String(s.createdAt) }, `started ${relativeTime(s.createdAt)}`),
        h('span', null, viewersText(s.viewers)),
      ),
    ),
    h(
      'div',
      { class: 'live-actions' },
      h('a', { class: 'btn btn-sm', href: watchHref(s.id), 'aria-label': `Watch ${whose}` }, icon('eye', 16), h('span', null, 'Watch')),
      end,
    ),
  );
}

/** Moves every "started … ago" on; the list itself re-renders only when something changed. */
export function tickSince(root: HTMLElement, now = Date.now()): void {
  for (const el of root.querySelectorAll<HTMLElement>('.live-since')) el.textContent = `started ${relativeTime(Number(el.dataset.since), now)}`;
}
