// WebSocket close codes the server uses to end a terminal (later: desktop) connection, shared with the browser.

export const CloseCode = {
  /** The session ended normally: the shell exited or its owner ended it. */
  sessionEnded: 4000,
  /** No valid login or token came with the upgrade. */
  unauthorized: 4001,
  /** Logged in, but not allowed to attach to this session. */
  forbidden: 4003,
  /** No live session with that id (ended, or its grace period passed). */
  sessionNotFound: 4004,
  /** The client sent a message that is not valid JSON or not a known message. */
  malformedMessage: 4008,
  /** The client sent a message larger than MAX_TERMINAL_CLIENT_MESSAGE_BYTES. */
  messageTooBig: 4009,
  /** Another browser tab attached as the owner of this session and took it over. */
  replaced: 4010,
  /** The upstream connection failed (see the preceding `error` message for the kind). */
  upstreamFailed: 4011,
  /** The gateway is shutting down. */
  shuttingDown: 4012,
  /** The session's owner removed this viewer. */
  removed: 4013,
  /** The share link this viewer came through was revoked or expired (the reason says which). */
  shareEnded: 4014,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting to the same session cannot help. */
export const FINAL_CLOSE_CODES: readonly number[] = [
  CloseCode.sessionEnded,
  CloseCode.unauthorized,
  CloseCode.forbidden,
  CloseCode.sessionNotFound,
  CloseCode.malformedMessage,
  CloseCode.messageTooBig,
  CloseCode.replaced,
  CloseCode.upstreamFailed,
  CloseCode.removed,
  CloseCode.shareEnded,
];
