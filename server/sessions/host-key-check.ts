// Trust on first use for SSH host keys: pinned keys pass, a changed key is refused and kept for an admin, a new key asks the person.
import type { HostKeyInfo } from '../../shared/terminal-protocol.js';
import type { Logger } from '../log.js';
import { describeFailure, SshSessionError } from '../protocols/ssh/classify-error.js';
import { judgeHostKey } from '../protocols/ssh/host-key.js';
import type { HostKeyStore, HostRecord } from '../store/types.js';

export async function checkHostKey(
  hostKeys: HostKeyStore,
  host: HostRecord,
  presented: HostKeyInfo,
  log: Logger,
  askPerson: () => Promise<boolean>,
  /** Told after a key is pinned on first use (the caller records it in the audit log with who accepted it). */
  onTrusted?: (key: HostKeyInfo) => void,
): Promise<boolean> {
  const pinned = await hostKeys.getPinned(host.id);
  const verdict = judgeHostKey(pinned, presented);
  if (verdict === 'trusted') return true;
  if (verdict === 'changed') {
    // Remember what was presented so an admin can accept exactly this key, by fingerprint, later.
    await hostKeys.setPending(host.id, presented);
    const message = `${describeFailure('host-key-changed', host.name)} Pinned ${pinned!.fingerprint}, presented ${presented.fingerprint}.`;
    throw new SshSessionError('host-key-changed', message, {
      hostKey: { pinned: { algorithm: pinned!.algorithm, fingerprint: pinned!.fingerprint }, presented },
    });
  }
  const accept = await askPerson();
  if (accept === true) {
    await hostKeys.pin(host.id, presented);
    log.info({ event: 'hostkey.trusted_first_use', fingerprint: presented.fingerprint }, 'host key trusted on first use');
    onTrusted?.(presented);
  }
  return accept === true;
}
