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
    .map(({ hosts, protocols, role, share }) => ({ hosts, protocols, role, share }));
  return combineGrants([...grantEntries, ...fromRules]);
}
