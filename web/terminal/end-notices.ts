// What the panel over a finished or failed session says, and which tab status goes with it (pure, DOM-free).
import { CloseCode } from '../../shared/close-codes';
import type { TerminalServerMessage } from '../../shared/terminal-protocol';
import { describeClose, describeExit, describeTerminalError } from './error-text';
import type { NoticeAction, NoticeContent } from './overlays';

export type EndStatus = 'error' | 'ended' | 'elsewhere';

export interface EndNotice {
  status: EndStatus;
  content: NoticeContent;
}

/** The buttons a panel may offer; each notice picks the ones that make sense. */
export interface EndActions {
  reconnect: NoticeAction;
  close: NoticeAction;
  openHosts: NoticeAction;
  takeBack: NoticeAction;
}

type ErrorMessage = Extract<TerminalServerMessage, { type: 'error' }>;
type ExitMessage = Extract<TerminalServerMessage, { type: 'exit' }>;

export function errorNotice(msg: ErrorMessage, hostName: string, a: EndActions): EndNotice {
  const text = describeTerminalError(msg.kind, hostName);
  // A changed key cannot be fixed by reconnecting; the way forward is the Hosts page.
  const actions = msg.kind === 'host-key-changed' ? [a.openHosts, { ...a.reconnect, variant: 'secondary' as const }, a.close] : [a.reconnect, a.close];
  const content: NoticeContent = { tone: 'error', ...text, actions };
  if (msg.message && msg.message !== text.body) content.details = msg.message;
  if (msg.hostKey) content.hostKey = msg.hostKey;
  return { status: 'error', content };
}

export function exitNotice(msg: ExitMessage, hostName: string, a: EndActions): EndNotice {
  return {
    status: 'ended',
    content: { tone: 'info', title: describeExit(msg.exitCode, msg.signal), body: `The shell on ${hostName} has closed.`, actions: [a.reconnect, a.close] },
  };
}

/** For a final close that no `error` or `exit` message explained already. */
export function closeNotice(code: number, reason: string, a: EndActions): EndNotice {
  const text = describeClose(code);
  if (code === CloseCode.replaced) {
    return {
      status: 'elsewhere',
      content: { tone: 'info', title: text.title, body: `${text.body} Only one browser tab can drive it at a time.`, actions: [a.takeBack, a.close] },
    };
  }
  const ended = code === CloseCode.sessionEnded || code === CloseCode.sessionNotFound;
  const content: NoticeContent = { tone: ended ? 'info' : 'error', ...text, actions: [a.reconnect, a.close] };
  if (reason) content.details = reason;
  return { status: ended ? 'ended' : 'error', content };
}
