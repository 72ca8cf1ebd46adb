// The audit log: one time-ordered table for every event (logins, sessions, shares, host changes); share_events folds into it.
// Frozen once released: change the schema with a new migration, never by editing this one.
import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<any>;

/** Rows copied per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits (13 columns a row). */
const COPY_BATCH = 200;

interface ShareEventRow {
  id: string;
  link_id: string;
  at: number | string;
  event: string;
  actor: string;
  source: string;
  session_id: string | null;
  detail: string;
}

export const auditLog: Migration = {
  async up(db: AnyDb) {
    // No foreign keys: an event outlives the host, link or session it names, so the trail still says what happened.
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor_principal', 'text', (c) => c.notNull())
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('actor_device', 'text')
      .addColumn('actor_address', 'text')
      .addColumn('host_id', 'text')
      .addColumn('host_name', 'text')
      .addColumn('protocol', 'text')
      .addColumn('session_id', 'text')
      .addColumn('link_id', 'text')
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    const indexes: [string, string[]][] = [
      ['audit_events_at', ['at']],
      ['audit_events_action_at', ['action', 'at']],
      ['audit_events_host_at', ['host_id', 'at']],
      ['audit_events_actor_at', ['actor_principal', 'at']],
      ['audit_events_link_at', ['link_id', 'at']],
      ['audit_events_session', ['session_id']],
    ];
    for (const [name, columns] of indexes) await db.schema.createIndex(name).on('audit_events').columns(columns).execute();

    await foldShareEvents(db);
    await db.schema.dropTable('share_events').execute();
  },
};

/**
 * Copies every share event into audit_events as `share.<event>`. The old rows kept only a name and a
 * source: the owner's principal and the host come from the link itself, the gateway stays `gateway`, and
 * anyone else (guests, whose pass ids were never kept) becomes `legacy:<name>`.
 */
async function foldShareEvents(db: AnyDb): Promise<void> {
  const links = new Map<string, { created_by: string; created_by_name: string; host_id: string; host_name: string; protocol: string }>();
  for (const link of await db.selectFrom('share_links').select(['id', 'created_by', 'created_by_name', 'host_id', 'host_name', 'protocol']).execute()) {
    links.set(link.id, link);
  }
  const rows = (await db.selectFrom('share_events').selectAll().orderBy('at').orderBy('id').execute()) as ShareEventRow[];
  let sequence = 0;
  const copies = rows.map((row) => {
    const at = Number(row.at);
    const link = links.get(row.link_id);
    const principal = row.actor === 'gateway' ? 'gateway' : link && row.actor === link.created_by_name ? link.created_by : `legacy:${row.actor}`;
    // Old ids were "<12-digit sequence>-<8 hex>": prefixed with the time they become audit ids, order kept.
    const tail = /^\d{12}-[0-9a-f]{8}$/.test(row.id) ? row.id : `${String(++sequence).padStart(12, '0')}-00000000`;
    return {
      id: `${String(at).padStart(15, '0')}-${tail}`,
      at,
      action: `share.${row.event}`,
      actor_principal: principal,
      actor_name: row.actor,
      actor_device: row.source || null,
      actor_address: null,
      host_id: link?.host_id ?? null,
      host_name: link?.host_name ?? null,
      protocol: link?.protocol ?? null,
      session_id: row.session_id,
      link_id: row.link_id,
      detail: JSON.stringify({ text: row.detail }),
    };
  });
  for (let i = 0; i < copies.length; i += COPY_BATCH) await db.insertInto('audit_events').values(copies.slice(i, i + COPY_BATCH)).execute();
}
