// Short, self-dismissing notices ("Copied", "Host saved") in the page's live region.
import { h } from './dom';
import { icon } from './icons';

export function toast(message: string, kind: 'info' | 'success' | 'error' = 'info', timeoutMs = 3500): void {
  const region = document.getElementById('toasts');
  if (!region) return;
  const el = h('div', { class: `toast toast-${kind}` }, kind === 'error' ? icon('warning', 16) : kind === 'success' ? icon('check', 16) : null, message);
  region.append(el);
  // Errors stay longer: they are the ones a person needs time to read.
  setTimeout(() => el.remove(), kind === 'error' ? timeoutMs * 2 : timeoutMs);
}
