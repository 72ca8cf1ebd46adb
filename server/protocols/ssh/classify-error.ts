// Maps the many ways an SSH connection can fail onto the few kinds a person can act on.
import type { TerminalErrorKind } from '../../../shared/terminal-protocol.js';

/** A failure with a kind the page can explain; `message` is safe to show (no secrets, no stack). */
export class SshSessionError extends Error {
  constructor(
    readonly kind: TerminalErrorKind,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SshSessionError';
  }
}

const BY_ERRNO: Record<string, TerminalErrorKind> = {
  ENOTFOUND: 'name-not-resolved',
  EAI_AGAIN: 'name-not-resolved',
  EAI_NONAME: 'name-not-resolved',
  ECONNREFUSED: 'connection-refused',
  EHOSTUNREACH: 'host-unreachable',
  ENETUNREACH: 'host-unreachable',
  EHOSTDOWN: 'host-unreachable',
  EADDRNOTAVAIL: 'host-unreachable',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'closed-by-host',
  EPIPE: 'closed-by-host',
};

export function errorKindOf(err: unknown): TerminalErrorKind {
  if (err instanceof SshSessionError) return err.kind;
  const e = err as { code?: unknown; level?: unknown; message?: unknown } | undefined;
  if (e && typeof e.code === 'string' && BY_ERRNO[e.code]) return BY_ERRNO[e.code]!;
  if (e?.level === 'client-authentication') return 'auth-failed';
  if (e?.level === 'client-timeout') return 'timeout';
  if (typeof e?.message === 'string' && /authentication methods failed/i.test(e.message)) return 'auth-failed';
  if (typeof e?.message === 'string' && /connection lost before handshake|no response from server/i.test(e.message)) return 'closed-by-host';
  if (e?.level === 'protocol' || e?.level === 'handshake') return 'protocol-error';
  if (typeof e?.message === 'string' && /identification string|protocol version|handshake failed|no matching/i.test(e.message)) return 'protocol-error';
  return 'internal';
}

/** Words for each kind, naming the host; the page may add its own advice. */
export function describeFailure(kind: TerminalErrorKind, target: string): string {
  switch (kind) {
    case 'name-not-resolved':
      return `The name ${target} could not be resolved. Check the host's address.`;
    case 'host-unreachable':
      return `${target} is unreachable: no route to it from the gateway.`;
    case 'connection-refused':
      return `${target} refused the connection: is SSH running on that port?`;
    case 'timeout':
      return `${target} did not answer in time.`;
    case 'auth-failed':
      return `Authentication to ${target} failed: the host refused the user name or credential.`;
    case 'host-key-changed':
      return `The host key of ${target} has changed. Connection refused until an admin accepts the new key.`;
    case 'host-key-rejected':
      return `The host key of ${target} was not trusted, so the connection was not made.`;
    case 'closed-by-host':
      return `${target} closed the connection.`;
    case 'protocol-error':
      return `${target} spoke SSH in a way the gateway could not handle.`;
    case 'recording-unavailable':
      return `${target} requires a recording, and the gateway cannot write one.`;
    case 'internal':
      return `The gateway failed while connecting to ${target}.`;
  }
}
