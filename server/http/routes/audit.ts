// /api/audit: the audit log for admins: filtered newest-first pages, and the same filters exported as JSON lines.
import { Hono } from 'hono';
import { auditQuerySchema, type AuditEventView, type AuditPageView, type AuditQuery } from '../../../shared/audit-types.js';
import { actorOf } from '../../audit/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { AuditFilter, AuditStore } from '../../store/types.js';
import { assertAllowed, authRequestOf, type GatewayEnv } from '../request-guards.js';

export interface AuditRouteDeps {
  store: { audit: AuditStore };
  /** Exports are themselves recorded (who took a copy of the log, with which filters). */
  audit: AuditLog & { flush?(): Promise<void> };
  now?: () => number;
}

function filterOf(query: AuditQuery): AuditFilter {
  return { action: query.action, actor: query.actor, host: query.host, sessionId: query.session, linkId: query.link, from: query.from, to: query.to, text: query.q };
}

/** The filters that were set, for the export's own audit entry. */
function setFilters(filter: AuditFilter): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
}

export function auditRoutes({ store, audit, now = Date.now }: AuditRouteDeps) {
  const app = new Hono<GatewayEnv>();
  // The log names every person, device and address that used the gateway: admins only.
  app.use('*', async (c, next) => {
    assertAllowed(c.get('identity'), { kind: 'manage-hosts' });
    await next();
  });

  app.get('/', async (c) => {
    const query = auditQuerySchema.parse(c.req.query());
    // An admin reading the log right after an action sees it.
    await audit.flush?.();
    const page: AuditPageView = await store.audit.query(filterOf(query), { before: query.before, limit: query.limit });
    return c.json(page);
  });

  app.get('/export', async (c) => {
    const filter = filterOf(auditQuerySchema.parse(c.req.query()));
    audit.record({ action: 'audit.exported', actor: actorOf(c.get('identity'), authRequestOf(c).remoteAddress), detail: { filters: setFilters(filter) } });
    await audit.flush?.();
    const events = store.audit.scan(filter)[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    // Pulled one event at a time: a slow client slows the reads, and the whole log is never in memory.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await events.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${JSON.stringify(next.value satisfies AuditEventView)}\n`));
      },
      async cancel() {
        await events.return?.();
      },
    });
    const date = new Date(now()).toISOString().slice(0, 10);
    return new Response(body, {
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': `attachment; filename="porthole-audit-${date}.jsonl"` },
    });
  });

  return app;
}
