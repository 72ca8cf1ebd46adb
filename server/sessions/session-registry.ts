// All live terminal sessions of this gateway: creates them, finds them for their owner, ends them on shutdown.
import { CloseCode } from '../../shared/close-codes.js';
import type { AuditActor } from '../audit/audit-log.js';
import type { HostFacts } from '../policy/can.js';
import type { HostRecord } from '../store/types.js';
import { TerminalSession, type TerminalSessionDeps } from './terminal-session.js';

export type SessionRegistryDeps = Omit<TerminalSessionDeps, 'onEnded'>;

export class SessionRegistry {
  private readonly sessions = new Map<string, TerminalSession>();

  constructor(private readonly deps: SessionRegistryDeps) {}

  /** `opener`: who opened it (its principal owns the session), from which device and address, for the audit log. */
  create(opener: AuditActor, host: HostRecord, hostFacts?: HostFacts): TerminalSession {
    const session = new TerminalSession(opener, host, { ...this.deps, onEnded: (s) => this.sessions.delete(s.id) }, hostFacts);
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): TerminalSession | undefined {
    return this.sessions.get(id);
  }

  /** Sessions the principal may see and attach to. */
  listFor(principal: string): TerminalSession[] {
    return [...this.sessions.values()].filter((s) => s.principal === principal);
  }

  /** Every live session (an admin's view). */
  all(): TerminalSession[] {
    return [...this.sessions.values()];
  }

  /** Ends every session on a host (it was removed or its address changed). */
  endForHost(hostId: string, reason: string): void {
    for (const s of [...this.sessions.values()]) if (s.host.id === hostId) s.end(CloseCode.sessionEnded, reason);
  }

  get size(): number {
    return this.sessions.size;
  }

  closeAll(reason: string): void {
    for (const s of [...this.sessions.values()]) s.end(CloseCode.shuttingDown, reason);
  }
}
