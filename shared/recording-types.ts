// Shapes of the recordings API (/api/recordings) and the admin's live-session list, shared by the page and the server.
import type { HostProtocol } from './api-types.js';
import type { SessionView } from './api-types.js';

/** asciicast: SSH terminals (asciicast v2 .cast); guacamole: desktops (the Guacamole instruction stream, .guac). */
export type RecordingFormat = 'asciicast' | 'guacamole';

/** recording: still being written; complete: closed cleanly; interrupted: the gateway stopped mid-session (readable up to then); failed: the disk refused it. */
export type RecordingState = 'recording' | 'complete' | 'interrupted' | 'failed';

export interface RecordingView {
  id: string;
  sessionId: string;
  hostId: string;
  hostName: string;
  protocol: HostProtocol;
  format: RecordingFormat;
  /** Who opened the session. */
  user: { principal: string; name: string; device: string | null };
  startedAt: number;
  endedAt: number | null;
  /** Bytes on disk so far. */
  bytes: number;
  /** Whether typed input (SSH) or key and mouse events (desktops) were kept. */
  input: boolean;
  /** Encrypted at rest under the gateway's key (the API always answers the plain text). */
  sealed: boolean;
  state: RecordingState;
  endReason: string | null;
  width: number;
  height: number;
}

/** One place a search matched: open the recording at `at` seconds from its start. */
export interface RecordingSearchHit {
  recording: RecordingView;
  /** Seconds from the start of the recording. */
  at: number;
  /** The line of text that matched (escape sequences removed), at most 300 characters. */
  line: string;
  /** 'output' (seen on screen) or 'input' (typed, when input is recorded). */
  stream: 'output' | 'input';
}

export interface RecordingSearchResult {
  hits: RecordingSearchHit[];
  /** Recordings searched, and whether the search stopped early (too many hits or too much to read). */
  searched: number;
  truncated: boolean;
}

/** A live session as an admin sees it: whose it is, and whether it is being recorded. */
export interface LiveSessionView extends SessionView {
  /** Who opened it, from which device and network address. */
  owner: { principal: string; name: string; device: string | null; address: string | null };
  recordingId: string | null;
}
