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
  /**
   * The role on these hosts: the entry's own, else the highest role of the host-less entries. A viewer
   * entry for "*" plus an operator entry for "nas" opens nas only.
   */
  role: Role | null;
  /**
   * Remote accounts a tailnet machine may be opened as ("*" for any). An entry without `users` allows
   * only the caller's own account (a person's login name); stored hosts log in as their stored user.
   */
  users: string[];
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
/** The local-mode owner (and API tokens the owner made): every host, every protocol, any account. */
export const ALL_PERMISSIONS: Permissions = {
  role: 'admin',
  share: true,
  grants: [{ hosts: ['*'], protocols: [...PROTOCOLS], share: true, role: 'admin', users: ['*'] }],
};

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
  users: z.array(z.string().regex(/^(\*|[a-z_][a-z0-9_.-]{0,63})$/i, 'an account name like "alice", or "*"')).optional(),
});

export interface CombinedGrants {
  permissions: Permissions;
  /** Entries that were not understood, with why: logged so an admin can fix the policy. */
  rejected: { entry: unknown; reason: string }[];
}

const higher = (a: Role | null, b: Role | null | undefined): Role | null => (b && (a === null || ROLES.indexOf(b) > ROLES.indexOf(a)) ? b : a);

/**
 * The highest role overall (for duties: managing, watching); each entry naming hosts and protocols kept
 * as its own host grant with its own role and accounts; share globally if a host-less entry says so.
 * `ownAccount` is the caller's own remote account name, used for entries that name no `users`.
 */
export function combineGrants(entries: readonly unknown[], ownAccount?: string): CombinedGrants {
  let role: Role | null = null;
  let hostlessRole: Role | null = null;
  let share = false;
  const parsedEntries: z.output<typeof grantEntrySchema>[] = [];
  const rejected: CombinedGrants['rejected'] = [];
  for (const entry of entries) {
    const parsed = grantEntrySchema.safeParse(entry);
    if (!parsed.success) {
      rejected.push({ entry, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ') });
      continue;
    }
    parsedEntries.push(parsed.data);
    role = higher(role, parsed.data.role);
    if (!parsed.data.hosts?.length) {
      hostlessRole = higher(hostlessRole, parsed.data.role);
      share ||= parsed.data.share === true;
    }
  }
  const grants: HostGrant[] = parsedEntries
    .filter((e) => e.hosts?.length && e.protocols?.length)
    .map((e) => ({
      hosts: e.hosts!.map((h) => h.toLowerCase()),
      protocols: [...new Set(e.protocols!)],
      share: e.share === true,
      role: e.role ?? hostlessRole,
      users: e.users ?? (ownAccount ? [ownAccount] : []),
    }));
  return { permissions: { role, share, grants }, rejected };
}

const permissionsSchema = z.object({
  role: z.enum(ROLES).nullable(),
  share: z.boolean(),
  grants: z.array(
    z.object({
      hosts: z.array(z.string()),
      protocols: z.array(z.enum(PROTOCOLS)),
      share: z.boolean(),
      role: z.enum(ROLES).nullable(),
      users: z.array(z.string()),
    }),
  ),
});

/** Reads a stored permission snapshot (an API token's); anything unreadable grants nothing. */
export function parsePermissions(json: string): Permissions {
  try {
    const parsed = permissionsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : NO_PERMISSIONS;
  } catch {
    return NO_PERMISSIONS;
  }
}
