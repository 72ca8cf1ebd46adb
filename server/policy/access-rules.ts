// Matches porthole.yaml access rules to an identity (by login or tag) and combines them with its tailnet grants.
import type { AccessRule } from '../config/config-file.js';
import { combineGrants, type CombinedGrants } from './grants.js';

export interface Subject {
  /** A person's tailnet login. */
  login?: string;
  /** A tagged device's tags. */
  tags: readonly string[];
}

/** A rule applies when it names the login (case-insensitive) or any of the subject's tags. */
export function ruleApplies(rule: AccessRule, subject: Subject): boolean {
  const login = subject.login?.toLowerCase();
  if (login && rule.logins?.some((l) => l.toLowerCase() === login)) return true;
  const tags = new Set(subject.tags.map((t) => t.toLowerCase()));
  return rule.tags?.some((t) => tags.has(t.toLowerCase())) ?? false;
}

/**
 * Tailnet grant values (whois CapMap entries) and matching config rules are the same vocabulary, so they
 * combine the same way: union of hosts and protocols, highest role, share if any says so.
 */
export function permissionsFor(subject: Subject, grantEntries: readonly unknown[], rules: readonly AccessRule[]): CombinedGrants {
  const fromRules = rules
    .filter((r) => ruleApplies(r, subject))
    .map(({ hosts, protocols, role, share, users }) => ({ hosts, protocols, role, share, users }));
  return combineGrants([...grantEntries, ...fromRules], subject.login ? ownAccountOf(subject.login) : undefined);
}

/**
 * A person's own remote account: their login's local part, as `ssh host` would use. Tagged devices have
 * none: their grants must name `users`.
 */
export function ownAccountOf(login: string): string | undefined {
  const local = login.split('@')[0]?.toLowerCase().replace(/[^a-z0-9_.-]/g, '') ?? '';
  return /^[a-z_]/.test(local) ? local : undefined;
}
