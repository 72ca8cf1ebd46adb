// Words a person understands for session errors, exits and WebSocket closes (pure, DOM-free).
import { CloseCode, FINAL_CLOSE_CODES } from '../../shared/close-codes';
import type { TerminalErrorKind } from '../../shared/terminal-protocol';

export interface Explanation {
  title: string;
  body: string;
}

// A Record over the union type fails to compile when shared/ adds a kind we do not explain yet.
const ERROR_TEXT: Record<TerminalErrorKind, (host: string) => Explanation> = {
  'name-not-resolved': (host) => ({
    title: 'Host name not found',
    body: `The gateway could not look up the address of ${host}. Check the address on the Hosts page, or that the name is known to the gateway's DNS.`,
  }),
  'host-unreachable': (host) => ({
    title: 'Host unreachable',
    body: `There is no network route from the gateway to ${host}. Is the machine switched on and connected?`,
  }),
  'connection-refused': (host) => ({
    title: 'Connection refused',
    body: `${host} answered, but nothing accepts connections on its SSH port. Is the SSH server running, and is the port right?`,
  }),
  timeout: (host) => ({
    title: 'Timed out',
    body: `${host} did not answer in time. It may be off, asleep, or behind a firewall.`,
  }),
  'auth-failed': (host) => ({
    title: 'Login failed',
    body: `${host} did not accept the user name and credentials. Check them on the Hosts page.`,
  }),
  'host-key-changed': (host) => ({
    title: 'Host key changed',
    body:
      `${host} presented a different key from the one pinned at the first connection, so the gateway stopped. ` +
      'This is expected after a reinstall or a key rotation, but it is also what an attacker in the middle looks like. ' +
      'An admin must check the new key and accept it on the Hosts page.',
  }),
  'host-key-rejected': (host) => ({
    title: 'Host key not trusted',
    body: `The key of ${host} was not trusted, so no connection was made. Reconnect to be asked again.`,
  }),
  'closed-by-host': (host) => ({
    title: 'Closed by the host',
    body: `${host} closed the connection.`,
  }),
  'protocol-error': (host) => ({
    title: 'SSH protocol error',
    body: `${host} spoke SSH in a way the gateway could not handle.`,
  }),
  'recording-unavailable': (host) => ({
    title: 'Recording required',
    body:
      `${host} requires every session to be recorded, and the gateway cannot write recordings right now (a full or read-only disk), ` +
      'so the session was not started or was ended. An admin can free space or change the host\'s recording policy.',
  }),
  internal: () => ({
    title: 'Gateway error',
    body: 'Something went wrong inside the gateway. Its log has the details.',
  }),
};

/** Title and explanation for an `error` message; unknown kinds (a newer server) get a generic text. */
export function describeTerminalError(kind: TerminalErrorKind, host: string): Explanation {
  const text = ERROR_TEXT[kind] as ((host: string) => Explanation) | undefined;
  return text ? text(host) : { title: 'Connection failed', body: `The session to ${host} failed.` };
}

/** "Session ended (exit code 0)" and friends, for an `exit` message. */
export function describeExit(exitCode: number | null, signal: string | null): string {
  if (exitCode !== null) return `Session ended (exit code ${exitCode})`;
  if (signal) return `Session ended (signal ${signal.replace(/^SIG/, '')})`;
  return 'Session ended';
}

export interface CloseExplanation extends Explanation {
  /** Reconnecting to the same session cannot help; stop retrying. */
  final: boolean;
}

/** What a WebSocket close means for the person, and whether to retry the same session. */
export function describeClose(code: number): CloseExplanation {
  const final = FINAL_CLOSE_CODES.includes(code);
  switch (code) {
    case CloseCode.sessionEnded:
      return { final, title: 'Session ended', body: 'The session is over.' };
    case CloseCode.unauthorized:
      return { final, title: 'Signed out', body: 'Your login expired. Open a fresh login link from the gateway.' };
    case CloseCode.forbidden:
      return { final, title: 'Not allowed', body: 'You are not allowed to open this session.' };
    case CloseCode.sessionNotFound:
      return {
        final,
        title: 'Session gone',
        body: 'This session no longer exists: it ended, or stayed detached for longer than the gateway keeps it.',
      };
    case CloseCode.malformedMessage:
    case CloseCode.messageTooBig:
      return {
        final,
        title: 'Connection refused by the gateway',
        body: 'The gateway did not accept a message from this page. Reloading the page may help.',
      };
    case CloseCode.replaced:
      return { final, title: 'Opened elsewhere', body: 'This session was opened in another browser tab or window.' };
    case CloseCode.upstreamFailed:
      return { final, title: 'Connection failed', body: 'The connection to the host failed.' };
    case CloseCode.shuttingDown:
      return { final, title: 'Gateway restarting', body: 'The gateway is shutting down. Reconnecting when it is back…' };
    default:
      return { final, title: 'Connection lost', body: 'The connection to the gateway dropped. Reconnecting…' };
  }
}
