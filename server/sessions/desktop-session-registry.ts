// All live desktop sessions of this gateway: creates them, finds them for their owner, ends them on shutdown.
import { GuacStatus } from '../../shared/guac-status.js';
import type { AuditActor } from '../audit/audit-log.js';
import type { HostFacts } from '../policy/can.js';
import type { HostRecord } from '../store/types.js';
import { DesktopSession, type DesktopSessionDeps } from './desktop-session.js';

/** Each desktop holds a worker thread and a framebuffer: enough for a homelab, bounded against a runaway script. */
export const MAX_DESKTOPS_PER_PRINCIPAL = 8;
export const MAX_DESKTOPS = 32;

export class DesktopLimitError extends Error {
  override name = 'DesktopLimitError';
}

export class DesktopSessionRegistry {
  private readonly sessions = new Map<string, DesktopSession>();

  constructor(private readonly deps: Omit<DesktopSessionDeps, 'onEnded'>) {}

  /** `opener`: who opened it (its principal owns the session), from which device and address, for the audit log. */
  create(opener: AuditActor, host: HostRecord, hostFacts?: HostFacts): DesktopSession {
    const principal = opener.principal;
    if (this.sessions.size >= MAX_DESKTOPS) throw new DesktopLimitError(`the gateway already runs ${MAX_DESKTOPS} desktop sessions; end one first`);
    if (this.listFor(principal).length >= MAX_DESKTOPS_PER_PRINCIPAL) {
      throw new DesktopLimitError(`you already have ${MAX_DESKTOPS_PER_PRINCIPAL} desktop sessions open; end one first (Hosts page, running sessions)`);
    }
    const session = new DesktopSession(opener, host, { ...this.deps, onEnded: (s) => this.sessions.delete(s.id) }, hostFacts);
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): DesktopSession | undefined {
    return this.sessions.get(id);
  }

  listFor(principal: string): DesktopSession[] {
    return [...this.sessions.values()].filter((s) => s.principal === principal);
  }

  /** Every live session (an admin's view). */
  all(): DesktopSession[] {
    return [...this.sessions.values()];
  }

  endForHost(hostId: string, reason: string): void {
    for (const s of [...this.sessions.values()]) if (s.host.id === hostId) s.end(GuacStatus.sessionClosed, reason);
  }

  closeAll(reason: string): void {
    for (const s of [...this.sessions.values()]) s.end(GuacStatus.sessionClosed, reason);
  }
}
