// Share links and their audit trail: tokens stored only as SHA-256 hashes, uses counted with one conditional UPDATE.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { hashSecret } from '../crypto/tokens.js';
import { createAuditStore } from './audit.js';
import type { Database, ShareLinksTable } from './schema-types.js';
import type { AuditEventRecord, NewAuditEvent, ShareEventRecord, ShareLinkRecord, ShareStore } from './types.js';

function toRecord(row: Selectable<ShareLinksTable>): ShareLinkRecord {
  return {
    id: row.id, kind: row.kind, hostId: row.host_id, hostName: row.host_name, protocol: row.protocol, sessionId: row.session_id,
    mode: row.mode, audience: row.audience, label: row.label, createdBy: row.created_by, createdByName: row.created_by_name,
    passcodeHash: row.passcode_hash, maxUses: row.max_uses, uses: Number(row.uses), createdAt: row.created_at, expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** A link's trail lives in the audit log as `share.<event>`: the Sharing page's "From" is the actor's device, else address. */
export const SHARE_ACTION_PREFIX = 'share.';

export function shareEventAsAudit(event: ShareEventRecord & { principal?: string }): NewAuditEvent {
  return {
    at: event.at,
    action: `${SHARE_ACTION_PREFIX}${event.event}`,
    actor: { principal: event.principal ?? (event.actor === 'gateway' ? 'gateway' : `legacy:${event.actor}`), name: event.actor, device: event.source || null },
    linkId: event.linkId,
    sessionId: event.sessionId,
    detail: { text: event.detail },
  };
}

export function auditAsShareEvent(record: AuditEventRecord): ShareEventRecord {
  const text = record.detail.text;
  return {
    linkId: record.linkId ?? '',
    at: record.at,
    event: record.action.slice(SHARE_ACTION_PREFIX.length),
    actor: record.actor.name,
    source: record.actor.device ?? record.actor.address ?? '',
    sessionId: record.sessionId,
    detail: typeof text === 'string' ? text : '',
  };
}

export function createShareStore(db: Kysely<Database>): ShareStore {
  const audit = createAuditStore(db);
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
      await audit.append(shareEventAsAudit(event));
    },

    async listEvents(linkId) {
      const records = [];
      for await (const record of audit.scan({ linkId, action: 'share' })) records.push(auditAsShareEvent(record));
      return records;
    },
  };
}
