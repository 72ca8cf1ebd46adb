// "Running sessions": live sessions at the gateway that are not open as a tab here (detached, or in another browser).
import type { SessionView } from '../../shared/api-types';
import { api } from '../api';
import { h, relativeTime } from '../ui/dom';
import { runConfirmed } from '../ui/confirmed-action';
import { icon } from '../ui/icons';

export interface RunningSessionsHooks {
  open(session: SessionView): void;
  changed(): void;
}

function describe(s: SessionView): string {
  const started = `started ${relativeTime(s.createdAt)}`;
  if (s.viewers > 0) return `${started} · open in ${s.viewers === 1 ? 'another browser tab' : `${s.viewers} browser tabs`}`;
  if (s.detachedUntil) return `${started} · detached, ends ${relativeTime(s.detachedUntil)} unless opened`;
  return started;
}

/** Returns null when there is nothing to show. */
export function runningSessions(sessions: SessionView[], openHere: Set<string>, hooks: RunningSessionsHooks): HTMLElement | null {
  const others = sessions.filter((s) => s.stage !== 'closed' && !openHere.has(s.id));
  if (others.length === 0) return null;
  const rows = others.map((s) =>
    h(
      'tr',
      null,
      h('td', null, h('strong', null, s.hostName)),
      h('td', { class: 'muted' }, describe(s)),
      h(
        'td',
        { class: 'actions' },
        h('div', { class: 'row running-actions' },
          h('button', { type: 'button', class: 'btn btn-sm', onclick: () => hooks.open(s) }, icon('plug', 16), 'Open'),
          h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => void end(s, hooks.changed) }, 'End'),
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'section' },
    h('h2', null, 'Running sessions'),
    h('p', { class: 'muted section-sub' }, 'Terminals and desktops still running at the gateway that are not open in this tab.'),
    h('div', { class: 'card' }, h('table', { class: 'table' }, h('tbody', null, rows))),
  );
}

async function end(s: SessionView, changed: () => void): Promise<void> {
  await runConfirmed({
    title: `End the session on ${s.hostName}?`,
    consequence: s.protocol === 'ssh' ? 'Anything running in that shell stops.' : 'The gateway closes its connection to the desktop; anyone watching it is disconnected.',
    confirmLabel: 'End session',
    run: () => api.endSession(s.id),
    after: changed,
  });
}
