// Share links and their audit trail: tokens stored only as SHA-256 hashes, uses counted with one conditional UPDATE.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { hashSecret } from '../crypto/tokens.js';
import type { Database, ShareLinksTable } from './schema-types.js';
import type { ShareLinkRecord, ShareStore } from './types.js';

function toRecord(row: Selectable<ShareLinksTable>): ShareLinkRecord {
  return {
    id: row.id, kind: row.kind, hostId: row.host_id, hostName: row.host_name, protocol: row.protocol, sessionId: row.session_id,
    mode: row.mode, audience: row.audience, label: row.label, createdBy: row.created_by, createdByName: row.created_by_name,
    passcodeHash: row.passcode_hash, maxUses: row.max_uses, uses: Number(row.uses), createdAt: row.created_at, expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** Events of one millisecond keep their order: ids sort by a per-process counter after the timestamp column. */
let eventSequence = 0;
function eventId(): string {
  eventSequence = (eventSequence + 1) % 1e12;
  return `${String(eventSequence).padStart(12, '0')}-${randomUUID().slice(0, 8)}`;
}

export function createShareStore(db: Kysely<Database>): ShareStore {
  return {
    async create(token, link) {
      const row = {
        id: randomUUID(), token_hash: hashSecret(token), kind: link.kind, host_id: link.hostId, host_name: link.hostName, protocol: link.protocol,
        session_id: link.sessionId, mode: link.mode, audience: link.audience, label: link.label, created_by: link.createdBy,
        created_by_name: link.createdByName, passcode_hash: link.passcodeHash, max_uses: link.maxUses, uses: 0,
        created_at: link.createdAt, expires_at: link.expiresAt, revoked_at: null,
      };
      await db.insertInto('share_links').values(row).execute();
      return toRecord(row);
    },

    async findByToken(token) {
      const row = await db.selectFrom('share_links').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst();
      return row && toRecord(row);
    },

    async get(id) {
      const row = await db.selectFrom('share_links').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async list(createdBy) {
      let query = db.selectFrom('share_links').selectAll().orderBy('created_at', 'desc').orderBy('id');
      if (createdBy !== undefined) query = query.where('created_by', '=', createdBy);
      return (await query.execute()).map(toRecord);
    },

    async claimUse(id, now) {
      const result = await db
        .updateTable('share_links')
        .set({ uses: sql`uses + 1` })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async revoke(id, now) {
      const result = await db.updateTable('share_links').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async revokeForHost(hostId, now) {
      const rows = await db
        .updateTable('share_links')
        .set({ revoked_at: now })
        .where('host_id', '=', hostId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async addEvent(event) {
      await db
        .insertInto('share_events')
        .values({ id: eventId(), link_id: event.linkId, at: event.at, event: event.event, actor: event.actor, source: event.source, session_id: event.sessionId, detail: event.detail })
        .execute();
    },

    async listEvents(linkId) {
      const rows = await db.selectFrom('share_events').selectAll().where('link_id', '=', linkId).orderBy('at').orderBy('id').execute();
      return rows.map((r) => ({ linkId: r.link_id, at: r.at, event: r.event, actor: r.actor, source: r.source, sessionId: r.session_id, detail: r.detail }));
    },
  };
}
