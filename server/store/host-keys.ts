// Host key repository: trust on first use, then one pinned key per host plus at most one pending (changed) key.
import type { Kysely } from 'kysely';
import type { HostKeyInfo } from '../../shared/terminal-protocol.js';
import type { Database } from './schema-types.js';
import type { HostKeyStore } from './types.js';

/** Keys of tailnet peers are stored under "ts:" + the peer's StableID; they are listed live, not stored as hosts. */
export const TAILNET_HOST_ID_PREFIX = 'ts:';

export function createHostKeyStore(db: Kysely<Database>, now: () => number): HostKeyStore {
  // What the dropped foreign key used to guarantee: a key always belongs to something that can be connected to.
  async function assertKnownHost(trx: Kysely<Database>, hostId: string): Promise<void> {
    if (hostId.startsWith(TAILNET_HOST_ID_PREFIX) && hostId.length > TAILNET_HOST_ID_PREFIX.length) return;
    const host = await trx.selectFrom('hosts').select('id').where('id', '=', hostId).executeTakeFirst();
    if (!host) throw new Error(`host keys: no host with id "${hostId}"`);
  }

  return {
    async getPinned(hostId) {
      const row = await db.selectFrom('host_keys').selectAll().where('host_id', '=', hostId).executeTakeFirst();
      return row && { algorithm: row.algorithm, fingerprint: row.fingerprint, trustedAt: row.trusted_at };
    },

    async pin(hostId, key: HostKeyInfo) {
      const at = now();
      // Pinning and clearing the pending key together: a reader never sees the accepted key still pending.
      await db.transaction().execute(async (trx) => {
        await assertKnownHost(trx, hostId);
        await trx
          .insertInto('host_keys')
          .values({ host_id: hostId, algorithm: key.algorithm, fingerprint: key.fingerprint, trusted_at: at })
          .onConflict((oc) =>
            oc.column('host_id').doUpdateSet({ algorithm: key.algorithm, fingerprint: key.fingerprint, trusted_at: at }),
          )
          .execute();
        await trx.deleteFrom('pending_host_keys').where('host_id', '=', hostId).execute();
      });
    },

    async getPending(hostId) {
      const row = await db.selectFrom('pending_host_keys').selectAll().where('host_id', '=', hostId).executeTakeFirst();
      return row && { algorithm: row.algorithm, fingerprint: row.fingerprint, seenAt: row.seen_at };
    },

    async setPending(hostId, key: HostKeyInfo) {
      const at = now();
      await assertKnownHost(db, hostId);
      await db
        .insertInto('pending_host_keys')
        .values({ host_id: hostId, algorithm: key.algorithm, fingerprint: key.fingerprint, seen_at: at })
        .onConflict((oc) =>
          oc.column('host_id').doUpdateSet({ algorithm: key.algorithm, fingerprint: key.fingerprint, seen_at: at }),
        )
        .execute();
    },

    async forget(hostId) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('host_keys').where('host_id', '=', hostId).execute();
        await trx.deleteFrom('pending_host_keys').where('host_id', '=', hostId).execute();
      });
    },
  };
}
