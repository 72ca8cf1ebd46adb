// The messages between the gateway's event loop and a VNC worker thread: socket bytes both ways, screen changes and input.
import type { CopyOp, CursorImage } from '../../../guac/display-stream.js';
import type { Rect } from '../encodings/types.js';
import type { RfbErrorKind } from '../errors.js';

export interface WorkerInit {
  password?: string;
  username?: string;
  /** A certificate is pinned for this host: refuse anything but VeNCrypt X509. */
  requireX509: boolean;
  /** The browser's size, asked of servers that can resize once they say so. */
  width: number;
  height: number;
}

/** Main thread -> worker. */
export type ToWorker =
  /** First message: pooled workers start before anyone knows the host. */
  | { type: 'init'; init: WorkerInit }
  | { type: 'data'; data: Uint8Array }
  | { type: 'end' }
  | { type: 'key'; keysym: number; down: boolean }
  | { type: 'pointer'; x: number; y: number; buttons: number }
  | { type: 'clipboard'; text: string }
  | { type: 'resize'; width: number; height: number }
  /** The main thread's verdict on the server's X509 certificate (pinned like SSH host keys). */
  | { type: 'certificate-answer'; accept: boolean }
  | { type: 'close' };

export type WorkerChange = { kind: 'damage'; rect: Rect } | { kind: 'copy'; op: CopyOp };

/** Worker -> main thread. */
export type FromWorker =
  | { type: 'write'; data: Uint8Array }
  /** Flow control for the real socket: the worker's reader is full, or wants more. */
  | { type: 'pause' }
  | { type: 'resume' }
  /** The handshake finished: the framebuffer is shared from here on. */
  | { type: 'ready'; name: string; width: number; height: number; buffer: SharedArrayBuffer; sequence: Int32Array }
  | { type: 'resized'; width: number; height: number; buffer: SharedArrayBuffer }
  /** `sequence`: the number of the update these changes belong to (see Framebuffer.sequence). */
  | { type: 'changes'; changes: WorkerChange[]; sequence: number }
  | { type: 'cursor'; cursor: CursorImage }
  | { type: 'clipboard'; text: string }
  /** VeNCrypt X509: the server's certificate, for the main thread to check against the pinned one. */
  | { type: 'certificate'; fingerprint256: string; subject: string }
  | { type: 'closed'; error?: { kind: RfbErrorKind; message: string } };
