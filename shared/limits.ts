// Tunable numbers both sides must agree on: message sizes and terminal flow-control watermarks.

/** Largest single WebSocket message a terminal client may send. Bigger pastes are split by the client. */
export const MAX_TERMINAL_CLIENT_MESSAGE_BYTES = 256 * 1024;

/** The client splits pasted text into input frames of at most this many bytes. */
export const PASTE_CHUNK_BYTES = 64 * 1024;

/**
 * Flow control (the xtermjs.org watermark scheme): the browser acknowledges output after xterm.js has
 * parsed it. The server stops reading from SSH once a viewer has more than HIGH unacknowledged bytes
 * and resumes below LOW. Small enough that Ctrl-C lands within a second even at 5 MB/s parse speed,
 * large enough that acks (one per ACK_EVERY) never throttle a fast link.
 */
export const FLOW_HIGH_WATERMARK_BYTES = 512 * 1024;
export const FLOW_LOW_WATERMARK_BYTES = 128 * 1024;
export const FLOW_ACK_EVERY_BYTES = 32 * 1024;

/** Terminal sizes outside these bounds are refused as malformed. */
export const MIN_TERMINAL_COLS = 2;
export const MIN_TERMINAL_ROWS = 1;
export const MAX_TERMINAL_COLS = 1000;
export const MAX_TERMINAL_ROWS = 500;

/** Longest answer to a keyboard-interactive prompt, in characters. */
export const MAX_PROMPT_ANSWER_CHARS = 4096;
