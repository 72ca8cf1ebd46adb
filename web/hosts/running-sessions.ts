// "Running sessions": live sessions at the gateway that are not open as a tab here (detached, or in another browser).
import type { SessionView } from '../../shared/api-types';
import { api, errorText } from '../api';
import { confirmDialog } from '../ui/dialog';
import { h, relativeTime } from '../ui/dom';
import { icon } from '../ui/icons';
import { toast } from '../ui/toast';

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
    h('p', { class: 'muted section-sub' }, 'Shells still running at the gateway that are not open in this tab.'),
    h('div', { class: 'card' }, h('table', { class: 'table' }, h('tbody', null, rows))),
  );
}

async function end(s: SessionView, changed: () => void): Promise<void> {
  const ok = await confirmDialog({
    title: `End the session on ${s.hostName}?`,
    body: [h('p', null, 'Anything running in that shell stops.')],
    confirmLabel: 'End session',
    danger: true,
  });
  if (!ok) return;
  try {
    await api.endSession(s.id);
    changed();
  } catch (err) {
    toast(errorText(err), 'error');
  }
}
