// The audit log between browser and server: the filters /api/audit takes and the events it answers with.
import { z } from 'zod';

/** The action families a filter can pick (an action is `<family>.<what>`, e.g. `share.opened`). */
export const AUDIT_ACTION_FAMILIES = ['auth', 'token', 'session', 'share', 'host', 'hostkey', 'recording', 'audit'] as const;
export type AuditActionFamily = (typeof AUDIT_ACTION_FAMILIES)[number];

export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 500;

/** Ids sort by time: 15-digit epoch ms, a 12-digit per-process sequence, 8 random hex digits. */
export const AUDIT_ID_PATTERN = /^\d{15}-\d{12}-[0-9a-f]{8}$/;

/** Epoch milliseconds, or an ISO 8601 date or date-time (what a script is likely to type). */
const instant = z
  .string()
  .trim()
  .min(1)
  .transform((text, ctx) => {
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isSafeInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is neither epoch milliseconds nor an ISO 8601 date` });
      return z.NEVER;
    }
    return ms;
  });

const text = (max: number) => z.string().trim().max(max).optional().transform((v) => (v ? v : undefined));

/** Query string of GET /api/audit and /api/audit/export; every filter is optional and they combine with AND. */
export const auditQuerySchema = z.object({
  /** An action (`share.opened`) or a family (`share`): matches itself and everything below it. */
  action: text(64),
  /** Matches a principal exactly, or part of a name (any case). */
  actor: text(200),
  /** Matches a host id exactly, or part of a host name (any case). */
  host: text(200),
  session: text(100),
  link: text(100),
  /** Inclusive lower bound. */
  from: instant.optional(),
  /** Exclusive upper bound. */
  to: instant.optional(),
  /** Free text: part of the action, who, device, address, host, ids or details (any case). */
  q: text(200),
  /** Paging: the `next` of the previous answer. */
  before: z.string().regex(AUDIT_ID_PATTERN, 'before: not an audit event id').optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

export interface AuditActorView {
  /** Stable key: `owner`, `login:<login>`, `node:<id>`, `guest:<pass>`, `gateway`, ... */
  principal: string;
  name: string;
  device: string | null;
  address: string | null;
}

export interface AuditEventView {
  id: string;
  /** Epoch ms. */
  at: number;
  action: string;
  actor: AuditActorView;
  hostId: string | null;
  hostName: string | null;
  protocol: string | null;
  sessionId: string | null;
  linkId: string | null;
  /** Never a secret: sizes, durations, reasons, which fields changed. */
  detail: Record<string, unknown>;
}

export interface AuditPageView {
  /** Newest first. */
  events: AuditEventView[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: string | null;
}
