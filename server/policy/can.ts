// The one authorization decision: may an identity with these permissions do this action on this host? Deny by default.
import type { Permissions, Protocol, Role } from './grants.js';
import { ROLES } from './grants.js';

export type Action =
  /** Open a session on the host with the protocol; `account` when the caller picks the remote account (tailnet machines). */
  | { kind: 'connect'; protocol: Protocol; account?: string }
  /** Create a share link for a host or a live session on it. */
  | { kind: 'share'; protocol: Protocol }
  /** Watch a session someone shared (read-only). */
  | { kind: 'watch' }
  /** Add, edit or remove hosts and credentials, accept host keys. */
  | { kind: 'manage-hosts' };

export interface HostFacts {
  name: string;
  /** Other names the host answers to (a tailnet machine's FQDN). */
  aliases?: readonly string[];
  /** Tailnet tags of the host ("tag:lab"); manual hosts have none. */
  tags: readonly string[];
}

function atLeast(role: Role | null, needed: Role): boolean {
  return role !== null && ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** A selector matches "*", the host's name or an alias (case-insensitive), or one of its tags. */
export function hostMatches(selectors: readonly string[], host: HostFacts): boolean {
  const names = new Set([host.name, ...(host.aliases ?? [])].filter(Boolean).map((n) => n.toLowerCase()));
  const tags = new Set(host.tags.map((t) => t.toLowerCase()));
  return selectors.some((raw) => {
    const s = raw.toLowerCase();
    return s === '*' || (s.startsWith('tag:') ? tags.has(s) : names.has(s));
  });
}

export function can(permissions: Permissions, action: Action, host?: HostFacts): boolean {
  switch (action.kind) {
    case 'manage-hosts':
      return permissions.role === 'admin';
    case 'watch':
      return atLeast(permissions.role, 'viewer');
    case 'connect':
    case 'share': {
      // Admins reach what their grants name, like everyone else: the role widens duties, not the host list.
      // Each grant is judged alone, with its own role and accounts: grants never add up to more than one gives.
      if (!host) return false;
      const account = action.kind === 'connect' ? action.account : undefined;
      const matching = permissions.grants.filter(
        (g) =>
          atLeast(g.role, 'operator') &&
          g.protocols.includes(action.protocol) &&
          hostMatches(g.hosts, host) &&
          (account === undefined || g.users.includes('*') || g.users.includes(account)),
      );
      if (matching.length === 0) return false;
      return action.kind === 'connect' || permissions.share || matching.some((g) => g.share);
    }
  }
}
