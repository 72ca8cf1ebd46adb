// The "Recorded" badge shown with a live session while the gateway records it: hidden until the session says so.
import { h } from '../ui/dom';

/** `className` picks the look: the session tools' pill (rec-badge) or the guest header's badge. */
export function recordedBadge(className = 'rec-badge'): HTMLElement {
  return h('span', { class: className, title: 'The gateway records this session', role: 'status', hidden: true }, h('span', { class: 'rec-dot', 'aria-hidden': 'true' }), 'Recorded');
}
