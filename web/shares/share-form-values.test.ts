// The share dialog's checks and the request it builds.
import { describe, expect, it } from 'vitest';
import { readShareForm, type ShareFormValues } from './share-form-values';
import { describeTarget, usesText } from './share-labels';

const base: ShareFormValues = {
  target: { kind: 'host', hostId: 'h1' },
  mode: 'view',
  expiry: '1h',
  customMinutes: '',
  maxUses: '',
  passcode: '',
  audience: 'tailnet',
  label: '',
};

describe('readShareForm', () => {
  it('builds a one-use host link by default', () => {
    expect(readShareForm(base)).toEqual({
      ok: true,
      value: { kind: 'host', hostId: 'h1', mode: 'control', expiresInMinutes: 60, audience: 'tailnet', maxUses: 1 },
    });
  });

  it('leaves uses unlimited for a live session, with mode, passcode and a trimmed label', () => {
    const result = readShareForm({ ...base, target: { kind: 'session', sessionId: 's1' }, mode: 'control', expiry: '7d', passcode: 'open sesame', label: '  for Sam ', audience: 'anyone' });
    expect(result).toEqual({
      ok: true,
      value: { kind: 'session', sessionId: 's1', mode: 'control', expiresInMinutes: 10080, audience: 'anyone', passcode: 'open sesame', label: 'for Sam' },
    });
  });

  it.each([
    [{ target: null }, 'target'],
    [{ expiry: 'custom' as const, customMinutes: '' }, 'customMinutes'],
    [{ expiry: 'custom' as const, customMinutes: '1.5' }, 'customMinutes'],
    [{ expiry: 'custom' as const, customMinutes: '50000' }, 'customMinutes'],
    [{ maxUses: '0' }, 'maxUses'],
    [{ maxUses: 'many' }, 'maxUses'],
    [{ passcode: 'abc' }, 'passcode'],
    [{ label: 'x'.repeat(101) }, 'label'],
  ])('refuses %o (field %s)', (change, field) => {
    const result = readShareForm({ ...base, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.field).toBe(field);
  });

  it('takes custom minutes', () => {
    const result = readShareForm({ ...base, expiry: 'custom', customMinutes: ' 90 ' });
    expect(result.ok && result.value.expiresInMinutes).toBe(90);
  });
});

describe('labels', () => {
  it.each([
    [0, 1, '0 of 1 use'],
    [2, 5, '2 of 5 uses'],
    [1, null, '1 use'],
    [3, null, '3 uses'],
  ])('usesText(%d, %s) = %s', (uses, max, text) => {
    expect(usesText(uses, max)).toBe(text);
  });

  it.each([
    [{ kind: 'host' as const, protocol: 'ssh' as const, hostName: 'nas' }, 'Terminal on nas'],
    [{ kind: 'session' as const, protocol: 'vnc' as const, hostName: 'win' }, 'Live desktop session on win'],
  ])('describeTarget %o', (link, text) => {
    expect(describeTarget(link)).toBe(text);
  });
});
