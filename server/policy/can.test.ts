// Table tests for the deny-by-default policy over identity permissions x host x action.
import { describe, expect, it } from 'vitest';
import { can, type Action, type HostFacts } from './can.js';
import { combineGrants, NO_PERMISSIONS, type Permissions } from './grants.js';

const nas: HostFacts = { name: 'NAS', tags: [] };
const labBox: HostFacts = { name: 'pve1', tags: ['tag:lab'] };
const other: HostFacts = { name: 'router', tags: ['tag:net'] };

const admin = combineGrants([{ role: 'admin', hosts: ['*'], protocols: ['ssh', 'vnc', 'rdp'], share: true }]).permissions;
const operator = combineGrants([{ role: 'operator', hosts: ['tag:lab', 'nas'], protocols: ['ssh'] }]).permissions;
const sharer = combineGrants([{ role: 'operator', hosts: ['tag:lab'], protocols: ['ssh', 'vnc'] }, { share: true }]).permissions;
const viewer = combineGrants([{ role: 'viewer', hosts: ['*'], protocols: ['ssh'] }]).permissions;
const ssh: Action = { kind: 'connect', protocol: 'ssh' };
const vnc: Action = { kind: 'connect', protocol: 'vnc' };

describe('can', () => {
  it.each<[string, Permissions, Action, HostFacts | undefined, boolean]>([
    ['nobody connects anywhere', NO_PERMISSIONS, ssh, nas, false],
    ['nobody manages hosts', NO_PERMISSIONS, { kind: 'manage-hosts' }, undefined, false],
    ['nobody watches', NO_PERMISSIONS, { kind: 'watch' }, undefined, false],
    ['admin manages hosts', admin, { kind: 'manage-hosts' }, undefined, true],
    ['admin connects by any protocol to any host', admin, { kind: 'connect', protocol: 'rdp' }, other, true],
    ['operator connects to a named host (case-insensitive)', operator, ssh, nas, true],
    ['operator connects to a tagged host', operator, ssh, labBox, true],
    ['operator is refused a host outside the grant', operator, ssh, other, false],
    ['operator is refused a protocol outside the grant', operator, vnc, labBox, false],
    ['operator does not manage hosts', operator, { kind: 'manage-hosts' }, undefined, false],
    ['operator without share cannot share', operator, { kind: 'share', protocol: 'ssh' }, labBox, false],
    ['share from a second grant combines', sharer, { kind: 'share', protocol: 'vnc' }, labBox, true],
    ['share is still limited to granted hosts', sharer, { kind: 'share', protocol: 'ssh' }, other, false],
    ['viewer watches', viewer, { kind: 'watch' }, undefined, true],
    ['viewer does not connect even with hosts granted', viewer, ssh, nas, false],
    ['connect without a host is refused', admin, ssh, undefined, false],
  ])('%s', (_name, permissions, action, host, allowed) => {
    expect(can(permissions, action, host)).toBe(allowed);
  });
});

describe('combineGrants', () => {
  it('keeps each entry\'s hosts with its protocols, takes the highest role, and a host-less share flag', () => {
    const { permissions } = combineGrants([
      { role: 'viewer', hosts: ['A'], protocols: ['ssh'] },
      { role: 'admin', hosts: ['tag:x'], protocols: ['rdp'], share: true },
      { role: 'operator' },
      { hosts: ['b'] },
      { share: true },
    ]);
    expect(permissions).toEqual({
      role: 'admin',
      share: true,
      grants: [
        { hosts: ['a'], protocols: ['ssh'], share: false, role: 'viewer', users: [] },
        { hosts: ['tag:x'], protocols: ['rdp'], share: true, role: 'admin', users: [] },
      ],
    });
  });

  it('a role counts on its own entry\'s hosts: viewer everywhere plus operator on nas opens nas only', () => {
    const { permissions } = combineGrants([{ role: 'viewer', hosts: ['*'], protocols: ['ssh'] }, { role: 'operator', hosts: ['nas'], protocols: ['ssh'] }]);
    expect(can(permissions, ssh, nas)).toBe(true);
    expect(can(permissions, ssh, labBox)).toBe(false);
    // A host-less role is the default for entries that name none.
    const hostless = combineGrants([{ role: 'operator' }, { hosts: ['tag:lab'], protocols: ['ssh'] }, { role: 'viewer', hosts: ['nas'], protocols: ['ssh'] }]).permissions;
    expect(can(hostless, ssh, labBox)).toBe(true);
    expect(can(hostless, ssh, nas)).toBe(false);
  });

  it('remote accounts: the caller\'s own by default, the listed ones, or any with "*"', () => {
    const own = combineGrants([{ role: 'operator', hosts: ['*'], protocols: ['ssh'] }], 'alice').permissions;
    expect(can(own, { kind: 'connect', protocol: 'ssh', account: 'alice' }, nas)).toBe(true);
    expect(can(own, { kind: 'connect', protocol: 'ssh', account: 'root' }, nas)).toBe(false);
    const listed = combineGrants([{ role: 'operator', hosts: ['*'], protocols: ['ssh'], users: ['pi', 'backup'] }], 'alice').permissions;
    expect(can(listed, { kind: 'connect', protocol: 'ssh', account: 'pi' }, nas)).toBe(true);
    expect(can(listed, { kind: 'connect', protocol: 'ssh', account: 'alice' }, nas)).toBe(false);
    const anyone = combineGrants([{ role: 'operator', hosts: ['*'], protocols: ['ssh'], users: ['*'] }]).permissions;
    expect(can(anyone, { kind: 'connect', protocol: 'ssh', account: 'root' }, nas)).toBe(true);
    // Without an own account (a tagged device) and without users, no account is allowed.
    expect(can(combineGrants([{ role: 'operator', hosts: ['*'], protocols: ['ssh'] }]).permissions, { kind: 'connect', protocol: 'ssh', account: 'root' }, nas)).toBe(false);
    expect(combineGrants([{ users: ['bad name'] }]).rejected[0]?.reason).toMatch(/users/);
  });

  it('two grants never add up to a protocol on a host neither gives', () => {
    const { permissions } = combineGrants([{ role: 'operator', hosts: ['tag:lab'], protocols: ['ssh'] }, { role: 'operator', hosts: ['win'], protocols: ['rdp'] }]);
    expect(can(permissions, { kind: 'connect', protocol: 'rdp' }, { name: 'pve1', tags: ['tag:lab'] })).toBe(false);
    expect(can(permissions, { kind: 'connect', protocol: 'rdp' }, { name: 'win', tags: [] })).toBe(true);
    expect(can(permissions, { kind: 'connect', protocol: 'ssh' }, { name: 'win', tags: [] })).toBe(false);
  });

  it.each([
    [{ role: 'root' }, /role/],
    [{ protocols: ['telnet'] }, /protocols/],
    [{ hosts: 'nas' }, /hosts/],
    [{ share: 'yes' }, /share/],
    ['admin', /entry/],
  ])('rejects %j and says why, granting nothing from it', (entry, reason) => {
    const { permissions, rejected } = combineGrants([entry]);
    expect(permissions).toEqual(NO_PERMISSIONS);
    expect(rejected[0]?.reason).toMatch(reason);
  });

  it('ignores unknown fields from newer policies', () => {
    expect(combineGrants([{ role: 'operator', hosts: ['nas'], protocols: ['ssh'], color: 'blue' }]).permissions.role).toBe('operator');
  });
});
