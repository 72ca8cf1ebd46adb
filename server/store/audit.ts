// The audit log's table: append-only rows with time-ordered ids, filtered newest-first pages, and a batched oldest-first scan for export.
import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { AuditEventsTable, Database } from './schema-types.js';
import type { AuditEventRecord, AuditFilter, AuditStore, NewAuditEvent } from './types.js';

const SCAN_BATCH = 500;

/**
 * `<15-digit epoch ms>-<12-digit sequence>-<8 hex>`: ids compare like (time, order of writing), so one
 * indexed comparison pages through the log. The sequence is per process; two gateways writing in the same
 * millisecond interleave in a stable (random-suffix) order.
 */
let sequence = 0;
export function auditEventId(at: number): string {
  sequence = (sequence + 1) % 1e12;
  return `${String(at).padStart(15, '0')}-${String(sequence).padStart(12, '0')}-${randomUUID().slice(0, 8)}`;
}

function toRecord(row: Selectable<AuditEventsTable>): AuditEventRecord {
  return {
    id: row.id,
    at: Number(row.at),
    action: row.action,
    actor: { principal: row.actor_principal, name: row.actor_name, device: row.actor_device, address: row.actor_address },
    hostId: row.host_id,
    hostName: row.host_name,
    protocol: row.protocol,
    sessionId: row.session_id,
    linkId: row.link_id,
    detail: parseDetail(row.detail),
  };
}

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}

/** A LIKE pattern matching `text` anywhere, wildcards in it taken literally (used with ESCAPE '\'). */
function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type Eb = ExpressionBuilder<Database, 'audit_events'>;
type TextColumn = 'action' | 'actor_principal' | 'actor_name' | 'actor_device' | 'actor_address' | 'host_id' | 'host_name' | 'session_id' | 'link_id' | 'detail';

/** Case-insensitive substring match on both backends (PostgreSQL's LIKE is case-sensitive). */
function like(eb: Eb, column: TextColumn, text: string) {
  return eb(sql<string>`lower(${sql.ref(column)})`, 'like', sql<string>`${containing(text)} escape '\\'`);
}

function whereFilter(eb: Eb, filter: AuditFilter) {
  const all = [];
  if (filter.from !== undefined) all.push(eb('at', '>=', filter.from));
  if (filter.to !== undefined) all.push(eb('at', '<', filter.to));
  if (filter.action) {
    const prefix = `${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
    all.push(eb.or([eb('action', '=', filter.action), eb('action', 'like', sql<string>`${prefix} escape '\\'`)]));
  }
  if (filter.actor) all.push(eb.or([eb('actor_principal', '=', filter.actor), like(eb, 'actor_name', filter.actor)]));
  if (filter.host) all.push(eb.or([eb('host_id', '=', filter.host), like(eb, 'host_name', filter.host)]));
  if (filter.sessionId) all.push(eb('session_id', '=', filter.sessionId));
  if (filter.linkId) all.push(eb('link_id', '=', filter.linkId));
  if (filter.text) {
    const columns: TextColumn[] = ['action', 'actor_principal', 'actor_name', 'actor_device', 'actor_address', 'host_id', 'host_name', 'session_id', 'link_id', 'detail'];
    const text = filter.text;
    all.push(eb.or(columns.map((c) => like(eb, c, text))));
  }
  return eb.and(all);
}

export function createAuditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(event: NewAuditEvent) {
      const row = {
        id: auditEventId(event.at),
        at: event.at,
        action: event.action,
        actor_principal: event.actor.principal,
        actor_name: event.actor.name,
        actor_device: event.actor.device ?? null,
        actor_address: event.actor.address ?? null,
        host_id: event.hostId ?? null,
        host_name: event.hostName ?? null,
        protocol: event.protocol ?? null,
        session_id: event.sessionId ?? null,
        link_id: event.linkId ?? null,
        detail: JSON.stringify(event.detail ?? {}),
      };
      await db.insertInto('audit_events').values(row).execute();
      return toRecord(row);
    },

    async query(filter, page) {
      let query = db
        .selectFrom('audit_events')
        .selectAll()
        .where((eb) => whereFilter(eb, filter))
        .orderBy('id', 'desc')
        .limit(page.limit + 1);
      if (page.before) query = query.where('id', '<', page.before);
      const rows = await query.execute();
      const events = rows.slice(0, page.limit).map(toRecord);
      return { events, next: rows.length > page.limit ? events[events.length - 1]!.id : null };
    },

    async *scan(filter, batchSize = SCAN_BATCH) {
      let after: string | undefined;
      for (;;) {
        let query = db
          .selectFrom('audit_events')
          .selectAll()
          .where((eb) => whereFilter(eb, filter))
          .orderBy('id')
          .limit(batchSize);
        if (after !== undefined) query = query.where('id', '>', after);
        const rows = await query.execute();
        for (const row of rows) yield toRecord(row);
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]!.id;
      }
    },
  };
}
