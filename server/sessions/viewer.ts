// The contract between a live session and one attached browser connection (the WebSocket side implements it).
import type { TerminalServerMessage } from '../../shared/terminal-protocol.js';
import type { Identity } from '../auth/identity.js';

export interface TerminalViewer {
  readonly id: string;
  readonly identity: Identity;
  /** May type, resize and answer questions. (Read-only viewers arrive with share links.) */
  readonly canControl: boolean;
  sendControl(message: TerminalServerMessage): void;
  sendOutput(bytes: Uint8Array): void;
  /** Flow control for the viewer's input direction: stop/start reading its messages. */
  pauseInput(): void;
  resumeInput(): void;
  close(code: number, reason: string): void;
}
