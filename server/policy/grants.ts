// Reads grant values (tailnet app-capability entries or config-file rules) into one combined, validated permission set.
import { z } from 'zod';

export const PROTOCOLS = ['ssh', 'vnc', 'rdp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Ordered: each role can do what the ones before it can. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What one identity may do, after combining every grant that applies to it. */
export interface Permissions {
  /** Host selectors: a host name, "tag:NAME", or "*". */
  hosts: string[];
  protocols: Protocol[];
  role: Role | null;
  share: boolean;
}

export const NO_PERMISSIONS: Permissions = { hosts: [], protocols: [], role: null, share: false };

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

/** Union of hosts and protocols, the highest role, and share if any entry allows it (deny by default). */
export function combineGrants(entries: readonly unknown[]): CombinedGrants {
  const hosts = new Set<string>();
  const protocols = new Set<Protocol>();
  let role: Role | null = null;
  let share = false;
  const rejected: CombinedGrants['rejected'] = [];
  for (const entry of entries) {
    const parsed = grantEntrySchema.safeParse(entry);
    if (!parsed.success) {
      rejected.push({ entry, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ') });
      continue;
    }
    parsed.data.hosts?.forEach((h) => hosts.add(h.toLowerCase()));
    parsed.data.protocols?.forEach((p) => protocols.add(p));
    if (parsed.data.role && (role === null || ROLES.indexOf(parsed.data.role) > ROLES.indexOf(role))) role = parsed.data.role;
    share ||= parsed.data.share === true;
  }
  return { permissions: { hosts: [...hosts], protocols: [...protocols], role, share }, rejected };
}
