// Makes the hosts listed in porthole.yaml exist in the store as read-only 'config' hosts, updated at every start.
import { readFileSync } from 'node:fs';
import { DEFAULT_RECORDING_SETTINGS, type HostAuthInput } from '../../shared/api-types.js';
import type { Logger } from '../log.js';
import type { HostStore } from '../store/types.js';
import type { ConfigHost } from './config-file.js';

function authOf(host: ConfigHost): HostAuthInput {
  if (host.password) return { method: 'password', password: host.password };
  if (host.privateKeyFile) {
    let privateKey: string;
    try {
      privateKey = readFileSync(host.privateKeyFile, 'utf8');
    } catch (err) {
      throw new Error(`porthole.yaml: hosts "${host.name}": privateKeyFile "${host.privateKeyFile}" cannot be read (${(err as NodeJS.ErrnoException).code})`);
    }
    return host.passphrase ? { method: 'key', privateKey, passphrase: host.passphrase } : { method: 'key', privateKey };
  }
  return { method: 'keyboard-interactive' };
}

export async function syncConfigHosts(hosts: ConfigHost[], store: HostStore, log: Logger): Promise<void> {
  const wanted = new Set(hosts.map((h) => h.name));
  for (const stale of (await store.list()).filter((h) => h.source === 'config' && !wanted.has(h.name))) {
    await store.remove(stale.id);
    log.info({ event: 'host.removed', host: stale.name, source: 'config' }, 'host no longer in porthole.yaml removed');
  }
  for (const host of hosts) {
    // The file is the whole truth: a host whose `recording:` was removed goes back to the default.
    const fields = { name: host.name, address: host.address, port: host.port, username: host.user, auth: authOf(host), recording: host.recording ?? DEFAULT_RECORDING_SETTINGS };
    const existing = await store.getByName(host.name);
    if (!existing) {
      await store.create({ ...fields, source: 'config' });
      log.info({ event: 'host.created', host: host.name, source: 'config' }, 'host added from porthole.yaml');
    } else if (existing.source === 'config') {
      await store.update(existing.id, fields);
    } else {
      throw new Error(`porthole.yaml: hosts "${host.name}": a host with that name was added in the web page; rename one of them`);
    }
  }
}
