// The audit log's contract: what any part of the server records (who did what, from where, to which host) without waiting for the disk.
/** Who did it: a tailnet person or device, the local owner, an API token, a guest, or the gateway itself. */
export interface AuditActor {
  principal: string;
  name: string;
  /** The tailnet device's name, when known. */
  device?: string | null;
  /** The network address the request came from. */
  address?: string | null;
}

export interface AuditEntry {
  /** Dotted, e.g. "session.start", "host.update", "share.open". */
  action: string;
  actor: AuditActor;
  hostId?: string | null;
  hostName?: string | null;
  protocol?: string | null;
  sessionId?: string | null;
  linkId?: string | null;
  /** Anything else worth keeping, never a secret (bytes, duration, end reason, what changed). */
  detail?: Record<string, unknown>;
  /** Epoch ms; the log's clock when omitted. */
  at?: number;
}

export interface AuditLog {
  /** Queued and written in order; a failed write is logged, never thrown at the caller. */
  record(entry: AuditEntry): void;
}

/** The gateway acting on its own (expiry, pruning, shutdown). */
export const GATEWAY_ACTOR: AuditActor = { principal: 'gateway', name: 'gateway' };
