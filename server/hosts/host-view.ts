// Turns a stored host into what the API may show: the kind of credential, never the credential itself.
import type { HostView } from '../../shared/api-types.js';
import type { HostKeyStore, HostRecord } from '../store/types.js';

export async function toHostView(host: HostRecord, hostKeys: HostKeyStore): Promise<HostView> {
  const [pinned, pending] = await Promise.all([hostKeys.getPinned(host.id), hostKeys.getPending(host.id)]);
  return {
    id: host.id,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    authMethod: host.authMethod,
    hasPassphrase: host.credential.method === 'key' && !!host.credential.passphrase,
    source: host.source,
    hostKey: pinned ? { algorithm: pinned.algorithm, fingerprint: pinned.fingerprint, trustedAt: pinned.trustedAt } : null,
    pendingHostKey: pending ? { algorithm: pending.algorithm, fingerprint: pending.fingerprint, seenAt: pending.seenAt } : null,
    createdAt: host.createdAt,
    updatedAt: host.updatedAt,
  };
}
