// The terminal WebSocket's messages, browser <-> server. Binary frames carry raw terminal bytes;
// text frames carry one JSON control message each, described and validated here.
import { z } from 'zod';
import {
  MAX_PROMPT_ANSWER_CHARS,
  MAX_TERMINAL_COLS,
  MAX_TERMINAL_ROWS,
  MIN_TERMINAL_COLS,
  MIN_TERMINAL_ROWS,
} from './limits.js';
import type { SessionViewerInfo } from './share-types.js';
import type { ConnectStage, TerminalErrorKind } from './terminal-kinds.js';

export type ViewerRole = SessionViewerInfo['role'];

/*
 * Browser -> server
 *   binary frame: keystrokes or pasted text, UTF-8, written to the shell as they are.
 *   text frame:   one TerminalClientMessage as JSON.
 */
export const terminalClientMessageSchema = z.discriminatedUnion('type', [
  /** The visible terminal changed size; the server resizes the remote pty. */
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(MIN_TERMINAL_COLS).max(MAX_TERMINAL_COLS),
    rows: z.number().int().min(MIN_TERMINAL_ROWS).max(MAX_TERMINAL_ROWS),
  }),
  /** xterm.js has parsed this many more bytes of output (flow control). */
  z.object({ type: z.literal('ack'), bytes: z.number().int().min(0).max(1 << 30) }),
  /** The person's answer to a `hostkey` question (trust on first use). */
  z.object({ type: z.literal('hostkey-answer'), accept: z.boolean() }),
  /** Answers to a keyboard-interactive `prompt`, in order. */
  z.object({
    type: z.literal('prompt-answer'),
    answers: z.array(z.string().max(MAX_PROMPT_ANSWER_CHARS)).max(16),
  }),
]);
export type TerminalClientMessage = z.infer<typeof terminalClientMessageSchema>;

export { CONNECT_STAGES, TERMINAL_ERROR_KINDS, type ConnectStage, type TerminalErrorKind } from './terminal-kinds.js';

export interface HostKeyInfo {
  /** e.g. "ssh-ed25519" */
  algorithm: string;
  /** OpenSSH style: "SHA256:" + unpadded base64 of the SHA-256 of the key blob. */
  fingerprint: string;
}

/*
 * Server -> browser
 *   binary frame: terminal output bytes (UTF-8 from the host, passed through).
 *   text frame:   one TerminalServerMessage as JSON.
 */
export type TerminalServerMessage =
  /** Progress while the session opens. */
  | { type: 'stage'; stage: ConnectStage }
  /**
   * Sent once after attaching; `restored` means the output that follows redraws an existing screen.
   * `role`: owner (drives and sizes the terminal), control (a co-driver: types, never resizes), view (read-only).
   */
  | { type: 'attached'; sessionId: string; hostId: string; hostName: string; restored: boolean; cols: number; rows: number; role: ViewerRole }
  /** The owner resized the terminal: everyone else keeps this size and scales it to fit. */
  | { type: 'size'; cols: number; rows: number }
  /** To the owner only: who is attached now (sent on every join and leave). */
  | { type: 'viewers'; viewers: SessionViewerInfo[] }
  /** To every viewer: the session is (or is no longer) being recorded. Sent when it changes and after attaching. */
  | { type: 'recording'; active: boolean }
  /** A read-only viewer's output was skipped because it fell behind: the screen that follows is repainted whole. */
  | { type: 'resync' }
  /** First connection to this host: trust this key? Answer with `hostkey-answer`. */
  | { type: 'hostkey'; key: HostKeyInfo }
  /** The host asks keyboard-interactive questions; answer with `prompt-answer`. */
  | { type: 'prompt'; name: string; instructions: string; prompts: { prompt: string; echo: boolean }[] }
  /** The session failed; a close with CloseCode.upstreamFailed follows. */
  | { type: 'error'; kind: TerminalErrorKind; message: string; hostKey?: { pinned: HostKeyInfo; presented: HostKeyInfo } }
  /** The remote shell exited; a close with CloseCode.sessionEnded follows. */
  | { type: 'exit'; exitCode: number | null; signal: string | null };
