// What an edit changed on a host, for the audit log: names and old/new values of plain fields, only the name of the credential.
import type { HostRecord } from '../store/types.js';

/** Fields whose values are kept in the trail; none of them is a secret. */
const PLAIN_FIELDS = ['name', 'address', 'port', 'username', 'authMethod', 'rdp', 'recording'] as const;
type PlainField = (typeof PLAIN_FIELDS)[number];

export interface HostChange {
  changed: string[];
  before: Partial<Pick<HostRecord, PlainField>>;
  after: Partial<Pick<HostRecord, PlainField>>;
  credentialChanged: boolean;
}

/** `credentialReplaced`: the edit carried a new secret (even an equal one: the secret is never compared, or kept). */
export function describeHostChange(before: HostRecord, after: HostRecord, credentialReplaced: boolean): HostChange {
  const change: HostChange = { changed: [], before: {}, after: {}, credentialChanged: credentialReplaced };
  for (const field of PLAIN_FIELDS) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    change.changed.push(field);
    (change.before as Record<string, unknown>)[field] = before[field];
    (change.after as Record<string, unknown>)[field] = after[field];
  }
  if (credentialReplaced) change.changed.push('credential');
  return change;
}

/** The facts of a new host worth keeping: never its credential. */
export function describeNewHost(host: HostRecord): Record<string, unknown> {
  return { protocol: host.protocol, address: host.address, port: host.port, username: host.username, authMethod: host.authMethod, source: host.source };
}
