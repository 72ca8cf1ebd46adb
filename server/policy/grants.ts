// Reads grant values (tailnet app-capability entries or config-file rules) into one combined, validated permission set.
import { z } from 'zod';

export const PROTOCOLS = ['ssh', 'vnc', 'rdp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Ordered: each role can do what the ones before it can. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Which hosts one grant entry opens, and by which protocols. Entries stay separate: a grant for SSH to
 * the lab and another for RDP to a Windows box must not add up to RDP into the lab.
 */
export interface HostGrant {
  /** Host selectors: a host name, "tag:NAME", or "*". */
  hosts: string[];
  protocols: Protocol[];
  /** This entry also lets its hosts be shared. */
  share: boolean;
}

/** What one identity may do, after combining every grant that applies to it. */
export interface Permissions {
  /** The highest role any entry gives: it widens duties (manage, watch), never the host list. */
  role: Role | null;
  /** An entry with `share: true` and no hosts: share whatever the other entries open. */
  share: boolean;
  grants: HostGrant[];
}

export const NO_PERMISSIONS: Permissions = { role: null, share: false, grants: [] };
/** The local-mode owner (and API tokens the owner made): every host, every protocol. */
export const ALL_PERMISSIONS: Permissions = { role: 'admin', share: true, grants: [{ hosts: ['*'], protocols: [...PROTOCOLS], share: true }] };

/**
 * One grant entry, e.g. {"hosts":["tag:lab","nas"],"protocols":["ssh"],"role":"operator","share":true}.
 * Every field is optional because values from several grants are combined; unknown fields are ignored
 * (a newer policy must not break an older gateway), but a field of the wrong type invalidates the entry.
 */
const grantEntrySchema = z.object({
  hosts: z.array(z.string().min(1).max(200)).optional(),
  protocols: z.array(z.enum(PROTOCOLS)).optional(),
  role: z.enum(ROLES).optional(),
  share: z.boolean().optional(),
});

export interface CombinedGrants {
  permissions: Permissions;
  /** Entries that were not understood, with why: logged so an admin can fix the policy. */
  rejected: { entry: unknown; reason: string }[];
}

/**
 * The highest role; each entry naming hosts and protocols kept as its own host grant; share globally if a
 * host-less entry says so (deny by default).
 */
export function combineGrants(entries: readonly unknown[]): CombinedGrants {
  let role: Role | null = null;
  let share = false;
  const grants: HostGrant[] = [];
  const rejected: CombinedGrants['rejected'] = [];
  for (const entry of entries) {
    const parsed = grantEntrySchema.safeParse(entry);
    if (!parsed.success) {
      rejected.push({ entry, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ') });
      continue;
    }
    const { hosts = [], protocols = [], share: entryShare = false } = parsed.data;
    if (parsed.data.role && (role === null || ROLES.indexOf(parsed.data.role) > ROLES.indexOf(role))) role = parsed.data.role;
    if (hosts.length > 0 && protocols.length > 0) grants.push({ hosts: hosts.map((h) => h.toLowerCase()), protocols: [...new Set(protocols)], share: entryShare });
    else if (hosts.length === 0) share ||= entryShare;
  }
  return { permissions: { role, share, grants }, rejected };
}
