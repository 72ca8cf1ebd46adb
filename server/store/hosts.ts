// Host repository: rows in `hosts`, with the credential sealed by the secret box and opened only into a HostRecord.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import {
  DEFAULT_RDP_SETTINGS,
  DEFAULT_RECORDING_SETTINGS,
  hostAuthInputSchema,
  rdpSettingsSchema,
  recordingSettingsSchema,
  type HostAuthInput,
  type RdpSettings,
  type RecordingSettings,
} from '../../shared/api-types.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { isUniqueViolation } from './errors.js';
import type { Database, HostsTable } from './schema-types.js';
import { StoreConflictError, type HostPatch, type HostRecord, type HostStore, type NewHost } from './types.js';

type HostRow = Selectable<HostsTable>;

/** Binds a ciphertext to its row: a credential copied onto another host (by someone with DB access) will not open. */
export function credentialContext(hostId: string): string {
  return `host:${hostId}`;
}

export function createHostStore(db: Kysely<Database>, box: SecretBox, now: () => number): HostStore {
  const seal = (hostId: string, auth: HostAuthInput) => box.encrypt(JSON.stringify(auth), credentialContext(hostId));

  function toRecord(row: HostRow): HostRecord {
    return {
      id: row.id,
      name: row.name,
      protocol: row.protocol,
      address: row.address,
      port: row.port,
      username: row.username,
      authMethod: row.auth_method,
      credential: openCredential(box, row),
      source: row.source,
      ...(row.protocol === 'rdp' ? { rdp: readRdpSettings(row.settings) } : {}),
      recording: readRecordingSettings(row.settings),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** Runs a write that may hit the unique name index; a clash becomes StoreConflictError. */
  async function guardName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw new StoreConflictError(`a host named "${name}" already exists`);
      throw err;
    }
  }

  return {
    async list() {
      const rows = await db.selectFrom('hosts').selectAll().orderBy('name').orderBy('id').execute();
      return rows.map(toRecord);
    },

    async get(id) {
      const row = await db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async getByName(name) {
      const row = await db.selectFrom('hosts').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toRecord(row);
    },

    async create(host: NewHost) {
      const id = randomUUID();
      const at = now();
      const row: HostRow = {
        id,
        name: host.name,
        protocol: host.protocol ?? 'ssh',
        address: host.address,
        port: host.port,
        username: host.username,
        auth_method: host.auth.method,
        credential_enc: seal(id, host.auth),
        source: host.source,
        settings: writeSettings(host.protocol === 'rdp' ? (host.rdp ?? DEFAULT_RDP_SETTINGS) : undefined, host.recording ?? DEFAULT_RECORDING_SETTINGS),
        created_at: at,
        updated_at: at,
      };
      await guardName(host.name, () => db.insertInto('hosts').values(row).execute());
      return toRecord(row);
    },

    async update(id: string, patch: HostPatch) {
      const changes: Partial<HostRow> = { updated_at: now() };
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.address !== undefined) changes.address = patch.address;
      if (patch.port !== undefined) changes.port = patch.port;
      if (patch.username !== undefined) changes.username = patch.username;
      if (patch.auth !== undefined) {
        changes.auth_method = patch.auth.method;
        changes.credential_enc = seal(id, patch.auth);
      }
      // One transaction: no window where another writer's change is lost between reading the settings and writing them.
      const row = await guardName(patch.name, () =>
        db.transaction().execute(async (trx) => {
          if (patch.rdp !== undefined || patch.recording !== undefined) {
            const current = await trx.selectFrom('hosts').select(['settings', 'protocol']).where('id', '=', id).executeTakeFirst();
            if (!current) return undefined;
            const rdp = patch.rdp ?? (current.protocol === 'rdp' ? readRdpSettings(current.settings) : undefined);
            changes.settings = writeSettings(rdp, patch.recording ?? readRecordingSettings(current.settings));
          }
          return trx.updateTable('hosts').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
        }),
      );
      return row && toRecord(row);
    },

    async remove(id) {
      // Its keys go with it, in the same transaction (the key tables also hold tailnet peers, so no foreign key).
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('host_keys').where('host_id', '=', id).execute();
        await trx.deleteFrom('pending_host_keys').where('host_id', '=', id).execute();
        const result = await trx.deleteFrom('hosts').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
  };
}

/** Errors here name the host, never the secret. */
function openCredential(box: SecretBox, row: HostRow): HostAuthInput {
  let value: unknown;
  try {
    value = JSON.parse(box.decrypt(row.credential_enc, credentialContext(row.id)));
  } catch (err) {
    throw new Error(`host ${row.id} (${row.name}): cannot open the stored credential (was secret.key replaced?)`, {
      cause: err,
    });
  }
  const parsed = hostAuthInputSchema.safeParse(value);
  if (!parsed.success || parsed.data.method !== row.auth_method) {
    throw new Error(`host ${row.id}: stored credential does not match auth method ${row.auth_method}`);
  }
  return parsed.data;
}

/** Settings are ours, but a hand-edited or older row must not break the host list: unreadable means defaults. */
function readRdpSettings(json: string): RdpSettings {
  try {
    const parsed = rdpSettingsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : DEFAULT_RDP_SETTINGS;
  } catch {
    return DEFAULT_RDP_SETTINGS;
  }
}

/** Recording policy lives beside the RDP settings (which stay flat at the top, as migration 007 wrote them). */
function readRecordingSettings(json: string): RecordingSettings {
  try {
    const parsed = recordingSettingsSchema.safeParse((JSON.parse(json) as { recording?: unknown }).recording ?? {});
    return parsed.success ? parsed.data : DEFAULT_RECORDING_SETTINGS;
  } catch {
    return DEFAULT_RECORDING_SETTINGS;
  }
}

function writeSettings(rdp: RdpSettings | undefined, recording: RecordingSettings): string {
  return JSON.stringify({ ...rdp, recording });
}
