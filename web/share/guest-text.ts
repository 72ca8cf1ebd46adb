// What the guest page says: who shared what, why a link will not open, and why it ended (pure, DOM-free).
import { CloseCode } from '../../shared/close-codes';
import type { GuestLinkView, GuestRefusal } from '../../shared/share-types';

export interface GuestMessage {
  title: string;
  body: string;
}

/** "Alice shared a terminal on nas (read-only)"; a live session says so. */
export function describeLink(link: Pick<GuestLinkView, 'kind' | 'sharedBy' | 'hostName' | 'protocol' | 'mode'>): string {
  const thing = link.protocol === 'ssh' ? 'terminal' : 'desktop';
  const what = link.kind === 'session' ? `a live ${thing} session on ${link.hostName}` : `a ${thing} on ${link.hostName}`;
  const how = link.kind === 'session' ? (link.mode === 'view' ? ' (read-only)' : ' (you can type)') : '';
  return `${link.sharedBy || 'Someone'} shared ${what}${how}`;
}

function waitText(seconds: number): string {
  return seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${Math.max(1, Math.round(seconds))} seconds`;
}

// A Record over the union fails to compile when shared/ adds a refusal this page cannot explain yet.
const REFUSALS: Record<GuestRefusal, (retryAfter: number | null) => GuestMessage> = {
  'passcode-required': () => ({ title: 'This link needs a passcode', body: 'The person who shared it has the passcode. It usually comes separately from the link.' }),
  'wrong-passcode': () => ({ title: 'That passcode is not right', body: 'Check it with the person who shared the link and try again.' }),
  'rate-limited': (s) => ({ title: 'Too many tries', body: `Wait ${s ? waitText(s) : 'a few minutes'} before trying again.` }),
  'not-found': () => ({ title: 'This link does not work', body: 'It may be mistyped or cut short. Open the whole link exactly as you got it, or ask for a new one.' }),
  expired: () => ({ title: 'This link expired', body: 'Ask the person who shared it for a new one.' }),
  revoked: () => ({ title: 'This link was revoked', body: 'The person who shared it turned it off. Ask them for a new one if you still need it.' }),
  'used-up': () => ({ title: 'This link has been used up', body: 'It could be opened only a set number of times. Ask for a new one.' }),
  ended: () => ({ title: 'The shared session has ended', body: 'There is nothing to watch any more.' }),
  'tailnet-only': () => ({ title: 'This link works only on the tailnet', body: 'Open it on a device that is signed in to the same tailnet (with Tailscale running).' }),
};

/** Words for a refused POST /share/api/open; an unknown code falls back to the server's own message. */
export function refusalText(code: string, serverMessage: string, retryAfter: number | null = null): GuestMessage {
  const known = REFUSALS[code as GuestRefusal] as ((s: number | null) => GuestMessage) | undefined;
  if (known) return known(retryAfter);
  if (code === 'network') return { title: 'Porthole is not answering', body: 'Check your connection and try again.' };
  return { title: 'This link cannot be opened', body: serverMessage || 'The gateway refused it.' };
}

/** Why a guest's session ended, from a close code (terminal) or a tunnel status (desktop) and its reason. */
export function endText(code: number, reason: string): GuestMessage & { final: true } {
  const r = reason.toLowerCase();
  const because = (title: string, body: string) => ({ title, body, final: true as const });
  if (code === CloseCode.removed || /\bremoved\b/.test(r)) return because('The owner removed you', 'You are no longer connected to this session.');
  if (/revoked/.test(r)) return because('This link was revoked', 'The person who shared it turned it off.');
  if (/expired/.test(r)) return because('This link expired', 'Its time is up. Ask for a new link if you still need it.');
  if (/used/.test(r) && /times|up/.test(r)) return because('This link has been used up', 'Ask for a new link if you still need it.');
  if (code === CloseCode.shareEnded) return because(/session/.test(r) ? 'The shared session has ended' : 'This link has ended', 'There is nothing more to see here.');
  if (code === CloseCode.sessionEnded || code === CloseCode.sessionNotFound || /ended|exited|closed/.test(r)) return because('The session ended', 'The session you were in is over.');
  if (code === CloseCode.shuttingDown) return because('The gateway restarted', 'Open the link again in a moment.');
  return because('Disconnected', reason ? `The gateway said: ${reason}` : 'The connection ended.');
}
