// What a desktop session needs from a remote-desktop protocol (VNC now, RDP later): a framebuffer that changes, and input.
import type { ConnectStage } from '../../shared/terminal-protocol.js';
import type { CopyOp, CursorImage } from '../guac/display-stream.js';
import type { Framebuffer } from '../guac/framebuffer.js';
import type { Rect } from '../protocols/vnc/encodings/types.js';
import type { HostRecord } from '../store/types.js';

/** One change to the screen, in the order the protocol applied it to the framebuffer. */
export type DisplayChange =
  | { kind: 'damage'; rect: Rect }
  /** `sequence`: the protocol update the copy belonged to, when the framebuffer is written on another thread. */
  | { kind: 'copy'; op: CopyOp; sequence?: number }
  | { kind: 'resize' };

export interface DesktopEvents {
  /** Pixels changed; the framebuffer already holds them. */
  changes(changes: DisplayChange[]): void;
  cursor(cursor: CursorImage): void;
  /** Text the remote desktop put on its clipboard. */
  clipboard(text: string): void;
  /** The connection ended; `error` says why when it was not asked for. */
  closed(error?: Error): void;
}

export interface DesktopConnection {
  readonly framebuffer: Framebuffer;
  readonly name: string;
  /** X11 keysym, as guacamole-common-js sends it; VNC takes keysyms natively. */
  key(keysym: number, down: boolean): void;
  /** Button mask: left 1, middle 2, right 4, wheel up 8, wheel down 16. */
  pointer(x: number, y: number, buttons: number): void;
  clipboard(text: string): void;
  /** Asks the server for a new desktop size; false when it cannot resize (the viewer scales instead). */
  resize(width: number, height: number): boolean;
  close(): void;
}

export interface OpenDesktopRequest {
  host: HostRecord;
  /** The browser's size, for servers that follow the client's size. */
  width: number;
  height: number;
  lookup?: (name: string) => Promise<string>;
  connectTimeoutMs: number;
  signal: AbortSignal;
  stage(stage: ConnectStage): void;
  events: DesktopEvents;
  /**
   * The server's TLS certificate (VeNCrypt X509), pinned like SSH host keys: first use trusts and pins,
   * a different one is refused. Resolves with a refusal message, or null to go on.
   */
  checkCertificate(fingerprint256: string): Promise<string | null>;
  /** A certificate is already pinned: the connection must use certificate TLS again (no downgrade). */
  certificatePinned: boolean;
}

export type OpenDesktop = (request: OpenDesktopRequest) => Promise<DesktopConnection>;
