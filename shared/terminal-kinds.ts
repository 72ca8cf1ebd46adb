// Connect stages and error kinds of a terminal session: zod-free so the page can import the values.

/** Stages of opening a session, in order; the page shows them while it waits. */
export const CONNECT_STAGES = ['resolving', 'connecting', 'authenticating', 'starting', 'ready'] as const;
export type ConnectStage = (typeof CONNECT_STAGES)[number];

/** Why a session could not be opened or ended unexpectedly. Each kind is logged distinctly. */
export const TERMINAL_ERROR_KINDS = [
  'name-not-resolved',
  'host-unreachable',
  'connection-refused',
  'timeout',
  'auth-failed',
  'host-key-changed',
  'host-key-rejected',
  'closed-by-host',
  'protocol-error',
  /** The host requires a recording and the gateway cannot write one: the session is not started (or is ended). */
  'recording-unavailable',
  'internal',
] as const;
export type TerminalErrorKind = (typeof TERMINAL_ERROR_KINDS)[number];
