// An admin watching someone's live session: a bar naming whose it is and that it is read-only, the guest page's read-only terminal or desktop, and End.
import type { LiveSessionView } from '../../shared/recording-types';
import { errorText } from '../api';
import { navigate } from '../router';
import { GuestDesktop } from '../share/guest-desktop';
import { GuestTerminal, type GuestSessionHooks } from '../share/guest-terminal';
import type { GuestMessage } from '../share/guest-text';
import type { Page } from '../shell';
import { h, replaceChildren } from '../ui/dom';
import { icon } from '../ui/icons';
import { listLiveSessions, probeLiveSession, watchDesktopEndpoint, watchTerminalSocket } from './live-api';
import { endLiveSession } from './live-item';
import { recordedBadge } from '../recordings/recorded-badge';

export function watchView(sessionId: string): Page {
  const title = h('h1', { class: 'watch-title' }, 'Watching…');
  const who = h('span', { class: 'watch-who muted' });
  const end = h('button', { type: 'button', class: 'btn btn-sm watch-end', 'aria-label': 'End session', title: 'End session', disabled: true }, icon('close', 16), h('span', { class: 'btn-label' }, 'End session'));
  const body = h('div', { class: 'watch-body' });
  const recorded = recordedBadge();
  const el = h(
    'div',
    { class: 'watch-page' },
    h(
      'div',
      { class: 'watch-bar' },
      h('a', { class: 'btn btn-ghost btn-sm', href: '/live', 'aria-label': 'Back to live sessions', title: 'Back to live sessions' }, icon('up', 16)),
      h('div', { class: 'watch-heading' }, title, who),
      // Said plainly, and true on the server too: a watcher's keys are dropped before they reach the host.
      recorded,
      h('span', { class: 'badge badge-warn', title: 'Nothing you type reaches the host; the owner sees you in their viewer list' }, icon('eye', 12), 'Read-only'),
      end,
    ),
    body,
  );
  let viewer: GuestTerminal | GuestDesktop | null = null;
  let disposed = false;

  function showMessage(message: GuestMessage): void {
    viewer?.dispose();
    viewer = null;
    end.disabled = true;
    replaceChildren(
      body,
      h(
        'div',
        { class: 'watch-center' },
        h(
          'div',
          { class: 'card watch-card', role: 'status' },
          h('h2', null, message.title),
          message.body ? h('p', { class: 'muted' }, message.body) : null,
          h('div', { class: 'row' }, h('a', { class: 'btn btn-primary', href: '/live' }, icon('list', 16), 'All live sessions')),
        ),
      ),
    );
  }

  function begin(s: LiveSessionView): void {
    const thing = s.protocol === 'ssh' ? 'terminal' : 'desktop';
    title.textContent = s.hostName;
    const device = s.owner.device?.split('.')[0];
    who.textContent = `${s.owner.name}'s ${thing}${device ? ` · ${device}` : ''}`;
    document.title = `Watching ${s.hostName} · Porthole`;
    end.disabled = false;
    end.onclick = () => void endLiveSession(s, () => navigate('/live'));
    const hooks: GuestSessionHooks = {
      role: () => undefined,
      recording: (active) => {
        recorded.hidden = !active;
      },
      ended: (message) => showMessage(message),
      left: () => navigate('/live'),
    };
    viewer = s.protocol === 'ssh'
      ? new GuestTerminal(watchTerminalSocket(s.id), s.hostName, hooks, () => probeLiveSession(s.id))
      : new GuestDesktop(watchDesktopEndpoint(s.id), s.hostName, hooks);
    replaceChildren(body, viewer.el);
    viewer.start();
  }

  void (async () => {
    try {
      const found = (await listLiveSessions()).find((s) => s.id === sessionId && s.stage !== 'closed');
      if (disposed) return;
      if (found) begin(found);
      else showMessage({ title: 'This session has ended', body: 'It is no longer running at the gateway.' });
    } catch (err) {
      if (!disposed) showMessage({ title: 'Could not open the session', body: errorText(err) });
    }
  })();

  return {
    el,
    dispose() {
      disposed = true;
      viewer?.dispose();
    },
  };
}
