// Which host fields an edit changed, with old and new values for plain fields and only the name of the credential.
import { describe, expect, it } from 'vitest';
import type { HostRecord } from '../store/types.js';
import { describeHostChange, describeNewHost } from './host-changes.js';

const host: HostRecord = {
  id: 'h1', name: 'nas', protocol: 'ssh', address: '10.0.0.5', port: 22, username: 'ops', authMethod: 'password',
  credential: { method: 'password', password: 'hunter2-secret' }, source: 'ui', recording: { mode: 'on', input: false }, createdAt: 1, updatedAt: 1,
};

describe('describeHostChange', () => {
  it.each([
    ['nothing', {}, false, []],
    ['a rename and a port', { name: 'nas2', port: 2222 }, false, ['name', 'port']],
    ['the credential only', { credential: { method: 'password', password: 'new-secret' } }, true, ['credential']],
    ['the auth method with a new key', { authMethod: 'key', credential: { method: 'key', privateKey: 'KEY' } }, true, ['authMethod', 'credential']],
    ['the recording policy', { recording: { mode: 'required', input: true } }, false, ['recording']],
  ] as const)('%s', (_name, patch, replaced, changed) => {
    const after = { ...host, ...patch } as HostRecord;
    const change = describeHostChange(host, after, replaced);
    expect(change.changed).toEqual(changed);
    expect(change.credentialChanged).toBe(replaced);
    const text = JSON.stringify(change);
    for (const secret of ['hunter2-secret', 'new-secret', 'KEY"']) expect(text).not.toContain(secret);
  });

  it('keeps old and new values of plain fields', () => {
    expect(describeHostChange(host, { ...host, address: '10.0.0.6' }, false)).toEqual({
      changed: ['address'], before: { address: '10.0.0.5' }, after: { address: '10.0.0.6' }, credentialChanged: false,
    });
  });

  it('describes a new host without its credential', () => {
    expect(describeNewHost(host)).toEqual({ protocol: 'ssh', address: '10.0.0.5', port: 22, username: 'ops', authMethod: 'password', source: 'ui' });
  });
});
