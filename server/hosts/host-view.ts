// Turns a stored host into what the API may show: the kind of credential, never the credential itself.
import type { HostView, ProtocolName } from '../../shared/api-types.js';
import type { HostKeyStore, HostRecord } from '../store/types.js';

/** `canOpen` is what the policy lets the caller do with the host's protocol (empty: nothing). */
export async function toHostView(host: HostRecord, hostKeys: HostKeyStore, canOpen: ProtocolName[]): Promise<HostView> {
  if (host.source === 'tailnet') throw new TypeError('toHostView: tailnet machines are shown as peers, not stored hosts');
  const [pinned, pending] = await Promise.all([hostKeys.getPinned(host.id), hostKeys.getPending(host.id)]);
  return {
    id: host.id,
    name: host.name,
    protocol: host.protocol,
    address: host.address,
    port: host.port,
    username: host.username,
    authMethod: host.authMethod,
    hasPassphrase: host.credential.method === 'key' && !!host.credential.passphrase,
    source: host.source,
    canOpen,
    ...(host.rdp ? { rdp: host.rdp } : {}),
    recording: host.recording,
    hostKey: pinned ? { algorithm: pinned.algorithm, fingerprint: pinned.fingerprint, trustedAt: pinned.trustedAt } : null,
    pendingHostKey: pending ? { algorithm: pending.algorithm, fingerprint: pending.fingerprint, seenAt: pending.seenAt } : null,
    createdAt: host.createdAt,
    updatedAt: host.updatedAt,
  };
}
