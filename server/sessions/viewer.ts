// The contract between a live session and one attached browser connection (the WebSocket side implements it).
import type { SessionViewerInfo } from '../../shared/share-types.js';
import type { TerminalServerMessage, ViewerRole } from '../../shared/terminal-protocol.js';
import type { Identity } from '../auth/identity.js';

/** What every kind of viewer (terminal or desktop) tells its session about itself. */
export interface ViewerFacts {
  readonly id: string;
  readonly identity: Identity;
  /** owner: drives and sizes the session; control: a co-driver from a share link; view: read-only. */
  readonly role: ViewerRole;
  /** The share link this viewer came through; null for the session's owner. */
  readonly linkId: string | null;
  readonly since: number;
}

/** Keys, mouse, clipboard and answers reach the host only from these viewers (enforced by the session, not the page). */
export function canDrive(viewer: ViewerFacts): boolean {
  return viewer.role !== 'view';
}

/**
 * Who may answer the gateway's questions: a trust decision (which host key to pin) only the session's own
 * owner, never a guest; login prompts anyone driving (a host-link guest logs in to their own session).
 */
export function mayAnswer(viewer: ViewerFacts, question: 'hostkey' | 'prompt'): boolean {
  return question === 'hostkey' ? viewer.role === 'owner' && viewer.linkId === null : canDrive(viewer);
}

export function viewerInfo(viewer: ViewerFacts): SessionViewerInfo {
  return { id: viewer.id, name: viewer.identity.name, role: viewer.role, source: viewer.identity.device?.name ?? '', linkId: viewer.linkId, since: viewer.since };
}

/** Told when a viewer attaches and when its connection closes (share links keep their audit trail with these). */
export interface ViewerHooks {
  attached?(viewer: ViewerFacts): void;
  detached?(viewer: ViewerFacts): void;
}

export interface TerminalViewer extends ViewerFacts {
  sendControl(message: TerminalServerMessage): void;
  sendOutput(bytes: Uint8Array): void;
  /** Bytes handed to the socket but not yet on the network: what acks (which a client could fake) do not show. */
  backlog(): number;
  /** Flow control for the viewer's input direction: stop/start reading its messages. */
  pauseInput(): void;
  resumeInput(): void;
  close(code: number, reason: string): void;
}
