// The recordings index: which recording belongs to which session, host and person, how big it is and how it ended.
import type { Kysely, Selectable } from 'kysely';
import type { Database, RecordingsTable } from './schema-types.js';
import type { RecordingRecord, RecordingStore } from './types.js';

function toRecord(row: Selectable<RecordingsTable>): RecordingRecord {
  return {
    id: row.id, sessionId: row.session_id, hostId: row.host_id, hostName: row.host_name, protocol: row.protocol, format: row.format,
    principal: row.principal, userName: row.user_name, device: row.device, file: row.file, startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at), bytes: Number(row.bytes), input: Number(row.input) === 1, sealed: Number(row.sealed) === 1,
    state: row.state, endReason: row.end_reason, width: Number(row.width), height: Number(row.height),
  };
}

export function createRecordingStore(db: Kysely<Database>): RecordingStore {
  return {
    async create(r) {
      await db
        .insertInto('recordings')
        .values({
          id: r.id, session_id: r.sessionId, host_id: r.hostId, host_name: r.hostName, protocol: r.protocol, format: r.format, principal: r.principal,
          user_name: r.userName, device: r.device, file: r.file, started_at: r.startedAt, ended_at: r.endedAt, bytes: r.bytes, input: r.input ? 1 : 0, sealed: r.sealed ? 1 : 0,
          state: r.state, end_reason: r.endReason, width: r.width, height: r.height,
        })
        .execute();
    },

    async finish(id, end) {
      await db
        .updateTable('recordings')
        .set({ ended_at: end.endedAt, bytes: end.bytes, state: end.state, end_reason: end.endReason })
        .where('id', '=', id)
        .execute();
    },

    async get(id) {
      const row = await db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('recordings').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc');
      if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
      if (filter.hostId !== undefined) query = query.where('host_id', '=', filter.hostId);
      if (filter.protocol !== undefined) query = query.where('protocol', '=', filter.protocol);
      if (filter.format !== undefined) query = query.where('format', '=', filter.format);
      if (filter.before !== undefined) query = query.where('started_at', '<', filter.before);
      if (filter.limit !== undefined) query = query.limit(filter.limit);
      return (await query.execute()).map(toRecord);
    },

    async sizes() {
      const rows = await db.selectFrom('recordings').select(['id', 'file', 'started_at', 'bytes', 'state']).orderBy('started_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, file: r.file, startedAt: Number(r.started_at), bytes: Number(r.bytes), state: r.state }));
    },

    async remove(id) {
      const result = await db.deleteFrom('recordings').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async unfinished() {
      return db.selectFrom('recordings').select(['id', 'file']).where('state', '=', 'recording').execute();
    },
  };
}
