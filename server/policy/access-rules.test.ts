// The policy table: identity (grants from the tailnet and rules from porthole.yaml) x host x action, deny by default.
import { describe, expect, it } from 'vitest';
import type { AccessRule } from '../config/config-file.js';
import { permissionsFor, ruleApplies, type Subject } from './access-rules.js';
import { can, type Action, type HostFacts } from './can.js';
import { peerFacts, storedHostFacts } from './host-facts.js';

const rules: AccessRule[] = [
  { logins: ['Admin@Example.com'], role: 'admin', hosts: ['*'], protocols: ['ssh', 'vnc', 'rdp'], share: true },
  { tags: ['tag:ci'], role: 'operator', hosts: ['tag:lab'], protocols: ['ssh'] },
  { logins: ['carol@example.com'], role: 'viewer' },
];

const alice: Subject = { login: 'alice@example.com', tags: [] };
const admin: Subject = { login: 'admin@example.com', tags: [] };
const ci: Subject = { tags: ['tag:ci'] };
const carol: Subject = { login: 'carol@example.com', tags: [] };
const stranger: Subject = { login: 'eve@example.org', tags: [] };

// Alice has a tailnet grant only; the others get theirs from porthole.yaml.
const aliceGrants = [{ role: 'operator', hosts: ['nas'], protocols: ['ssh'] }, { role: 'operator', hosts: ['tag:media'], protocols: ['vnc'], share: true }, { hosts: ['pve1'], protocols: ['ssh'] }];

const nas = storedHostFacts({ name: 'NAS' });
const pve1 = peerFacts({ name: 'pve1', dnsName: 'pve1.tail1234.ts.net', tags: ['tag:lab'] });
const jellyfin = peerFacts({ name: 'jellyfin', dnsName: 'jellyfin.tail1234.ts.net', tags: ['tag:media'] });
const router = storedHostFacts({ name: 'router' });

const ssh: Action = { kind: 'connect', protocol: 'ssh' };
const vnc: Action = { kind: 'connect', protocol: 'vnc' };
const manage: Action = { kind: 'manage-hosts' };

describe('policy table', () => {
  it.each<[string, Subject, unknown[], Action, HostFacts | undefined, boolean]>([
    ['alice opens nas over SSH (grant by name, any case)', alice, aliceGrants, ssh, nas, true],
    ['alice may not open nas over VNC', alice, aliceGrants, vnc, nas, false],
    ['alice opens jellyfin over VNC (second grant)', alice, aliceGrants, vnc, jellyfin, true],
    ['alice may not open pve1: its entry has no role, and another entry\'s role does not carry over', alice, aliceGrants, ssh, pve1, false],
    ['alice shares jellyfin (share from her second grant)', alice, aliceGrants, { kind: 'share', protocol: 'vnc' }, jellyfin, true],
    ['alice may not manage hosts', alice, aliceGrants, manage, undefined, false],
    ['admin (by rule, login case-insensitive) manages hosts', admin, [], manage, undefined, true],
    ['admin opens the router over RDP', admin, [], { kind: 'connect', protocol: 'rdp' }, router, true],
    ['a tagged device opens a lab machine by tag', ci, [], ssh, pve1, true],
    ['a tagged device may not open nas', ci, [], ssh, nas, false],
    ['a tagged device may not manage hosts', ci, [], manage, undefined, false],
    ['a viewer watches', carol, [], { kind: 'watch' }, undefined, true],
    ['a viewer opens nothing', carol, [], ssh, nas, false],
    ['a stranger is denied everything', stranger, [], ssh, nas, false],
    ['a stranger does not watch', stranger, [], { kind: 'watch' }, undefined, false],
    ['a grant naming a host by its FQDN matches the tailnet machine', stranger, [{ role: 'operator', hosts: ['pve1.tail1234.ts.net'], protocols: ['ssh'] }], ssh, pve1, true],
    ['a malformed grant grants nothing', stranger, [{ role: 'superuser', hosts: ['*'], protocols: ['ssh'] }], ssh, nas, false],
  ])('%s', (_name, subject, grants, action, host, allowed) => {
    expect(can(permissionsFor(subject, grants, rules).permissions, action, host)).toBe(allowed);
  });

  it('a tailnet machine without a MagicDNS name matches by tag only, never by the hostname it reports', () => {
    const unnamed = peerFacts({ name: 'nas', dnsName: '', tags: ['tag:media'] });
    const grants = [{ role: 'operator', hosts: ['nas'], protocols: ['ssh'] }];
    expect(can(permissionsFor(stranger, grants, []).permissions, ssh, unnamed)).toBe(false);
    expect(can(permissionsFor(stranger, [{ role: 'operator', hosts: ['tag:media'], protocols: ['ssh'] }], []).permissions, ssh, unnamed)).toBe(true);
  });

  it('a login rule never matches a tagged device, nor a tag rule a person', () => {
    expect(ruleApplies({ logins: ['tagged-devices'] }, { tags: ['tag:ci'] })).toBe(false);
    expect(ruleApplies({ tags: ['tag:ci'] }, { login: 'tag:ci', tags: [] })).toBe(false);
  });
});
