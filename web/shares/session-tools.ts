// What an owner sees next to a live session: who is watching, and "Share this session".
import type { SessionViewerInfo } from '../../shared/share-types';
import { h } from '../ui/dom';
import { icon } from '../ui/icons';
import { openShareDialog, type ShareTarget } from './share-dialog';
import { createViewersChip } from './viewers-chip';
import { recordedBadge } from '../recordings/recorded-badge';

export interface SessionToolsTarget {
  sessionId: string;
  hostName: string;
  protocol: Extract<ShareTarget, { kind: 'session' }>['protocol'];
  viewers: readonly SessionViewerInfo[];
  /** The gateway is recording this session: said plainly, so nobody is recorded without knowing. */
  recording: boolean;
  /** Only a running session can be shared. */
  live: boolean;
}

export interface SessionTools {
  el: HTMLElement;
  update(target: SessionToolsTarget | null): void;
}

/** `canShare`: the person's grants allow sharing at all (the server still decides per host). */
export function createSessionTools(canShare: boolean): SessionTools {
  const chip = createViewersChip();
  let current: SessionToolsTarget | null = null;
  const share = h(
    'button',
    { type: 'button', class: 'btn btn-ghost btn-sm session-share', title: 'Share this session', 'aria-label': 'Share this session' },
    icon('link', 16),
    h('span', { class: 'btn-label' }, 'Share'),
  );
  share.addEventListener('click', () => {
    if (!current) return;
    void openShareDialog({ kind: 'session', sessionId: current.sessionId, hostName: current.hostName, protocol: current.protocol });
  });
  const recordingBadge = recordedBadge();
  const el = h('div', { class: 'session-tools', hidden: true }, recordingBadge, chip.el, canShare ? share : null);
  return {
    el,
    update(target) {
      current = target;
      el.hidden = target === null;
      share.disabled = !target?.live;
      recordingBadge.hidden = !target?.recording;
      chip.update(target?.sessionId ?? null, target?.viewers ?? []);
    },
  };
}
