// Unit tests for the host dialog's request building: validation, and "empty secret keeps the stored one".
import { describe, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types';
import { buildCreateRequest, buildUpdateRequest, formValuesFrom, type HostFormValues } from './host-form-values';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----';

const base: HostFormValues = {
  protocol: 'ssh',
  name: ' nas ',
  address: 'nas.lan',
  port: '22',
  username: 'pi',
  method: 'password',
  password: 'hunter2',
  privateKey: '',
  passphrase: '',
  keyboardLayout: 'en-US',
  security: 'any',
  domain: '',
  recordingMode: 'on',
  recordInput: false,
};

const existing: HostView = {
  id: 'h1',
  name: 'nas',
  address: 'nas.lan',
  port: 22,
  username: 'pi',
  authMethod: 'key',
  hasPassphrase: true,
  source: 'ui',
  protocol: 'ssh',
  recording: { mode: 'on', input: false },
  canOpen: ['ssh'],
  hostKey: null,
  pendingHostKey: null,
  createdAt: 0,
  updatedAt: 0,
};

describe('buildCreateRequest', () => {
  it('trims and builds a password host', () => {
    expect(buildCreateRequest(base)).toEqual({
      ok: true,
      value: { name: 'nas', address: 'nas.lan', port: 22, username: 'pi', protocol: 'ssh', auth: { method: 'password', password: 'hunter2' }, recording: { mode: 'on', input: false } },
    });
  });

  it('builds a VNC host: port 5900 by default, no user needed, password or none only', () => {
    const vnc = { ...base, protocol: 'vnc' as const, port: '', username: '' };
    expect(buildCreateRequest(vnc)).toEqual({ ok: true, value: { name: 'nas', address: 'nas.lan', port: 5900, username: '', protocol: 'vnc', auth: { method: 'password', password: 'hunter2' }, recording: { mode: 'on', input: false } } });
    expect(buildCreateRequest({ ...vnc, method: 'none', password: '' })).toMatchObject({ ok: true, value: { auth: { method: 'none' } } });
    expect(buildCreateRequest({ ...vnc, method: 'key', privateKey: KEY })).toMatchObject({ ok: false, field: 'method' });
    expect(buildCreateRequest({ ...base, method: 'none' })).toMatchObject({ ok: false, field: 'method' });
    expect(buildCreateRequest({ ...base, username: '' })).toMatchObject({ ok: false, field: 'username' });
  });

  it('builds an RDP host: port 3389 by default, a user and a password, and its settings', () => {
    const rdp: HostFormValues = { ...base, protocol: 'rdp', port: '', keyboardLayout: 'de-DE', security: 'nla', domain: ' CORP ' };
    expect(buildCreateRequest(rdp)).toEqual({
      ok: true,
      value: {
        name: 'nas',
        address: 'nas.lan',
        port: 3389,
        username: 'pi',
        protocol: 'rdp',
        auth: { method: 'password', password: 'hunter2' },
        rdp: { keyboardLayout: 'de-DE', security: 'nla', domain: 'CORP' },
        recording: { mode: 'on', input: false },
      },
    });
    expect(buildCreateRequest({ ...rdp, username: '' })).toMatchObject({ ok: false, field: 'username' });
    expect(buildCreateRequest({ ...rdp, password: '' })).toMatchObject({ ok: false, field: 'password' });
    expect(buildCreateRequest({ ...rdp, method: 'none', password: '' })).toMatchObject({ ok: false, field: 'method' });
    expect(buildCreateRequest({ ...rdp, method: 'key', privateKey: KEY })).toMatchObject({ ok: false, field: 'method' });
    expect(buildCreateRequest({ ...rdp, domain: '' })).toMatchObject({ ok: true, value: { rdp: { domain: '' } } });
  });

  it.each(['CORP\\alice', 'my domain', 'a/b', 'x'.repeat(65)])('rejects the RDP domain %s', (domain) => {
    const r = buildCreateRequest({ ...base, protocol: 'rdp', domain });
    expect(r).toMatchObject({ ok: false, field: 'domain' });
  });

  it('sends no RDP settings for SSH and VNC hosts', () => {
    const ssh = buildCreateRequest({ ...base, keyboardLayout: 'fr-FR' });
    expect(ssh.ok && 'rdp' in ssh.value).toBe(false);
    const vnc = buildCreateRequest({ ...base, protocol: 'vnc', domain: 'has space' });
    expect(vnc.ok && 'rdp' in vnc.value).toBe(false);
  });

  it('builds a key host with passphrase and a trailing newline', () => {
    const r = buildCreateRequest({ ...base, method: 'key', privateKey: KEY, passphrase: 'pp' });
    expect(r).toMatchObject({ ok: true, value: { auth: { method: 'key', privateKey: `${KEY}\n`, passphrase: 'pp' } } });
  });

  it('omits an empty passphrase', () => {
    const r = buildCreateRequest({ ...base, method: 'key', privateKey: KEY });
    expect(r.ok && r.value.auth).toEqual({ method: 'key', privateKey: `${KEY}\n` });
  });

  it('needs no secret for keyboard-interactive', () => {
    const r = buildCreateRequest({ ...base, method: 'keyboard-interactive', password: '' });
    expect(r.ok && r.value.auth).toEqual({ method: 'keyboard-interactive' });
  });

  it('defaults an empty port to 22', () => {
    const r = buildCreateRequest({ ...base, port: '' });
    expect(r.ok && r.value.port).toBe(22);
  });

  it.each<[Partial<HostFormValues>, keyof HostFormValues]>([
    [{ name: '  ' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ address: '' }, 'address'],
    [{ address: 'pi@nas' }, 'address'],
    [{ address: 'has space' }, 'address'],
    [{ port: '0' }, 'port'],
    [{ port: '65536' }, 'port'],
    [{ port: '22.5' }, 'port'],
    [{ port: 'ssh' }, 'port'],
    [{ username: '' }, 'username'],
    [{ username: 'a b' }, 'username'],
    [{ username: 'me@host' }, 'username'],
    [{ password: '' }, 'password'],
    [{ method: 'key', privateKey: '' }, 'privateKey'],
    [{ method: 'key', privateKey: 'ssh-ed25519 AAAA... (a public key)' }, 'privateKey'],
  ])('rejects %o on field %s', (change, field) => {
    const r = buildCreateRequest({ ...base, ...change });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.message.length).toBeGreaterThan(5);
    }
  });

  it('accepts IPv6 and IPv4 addresses', () => {
    expect(buildCreateRequest({ ...base, address: 'fd7a:115c:a1e0::1' }).ok).toBe(true);
    expect(buildCreateRequest({ ...base, address: '[::1]' }).ok).toBe(true);
    expect(buildCreateRequest({ ...base, address: '100.64.0.7' }).ok).toBe(true);
  });
});

describe('buildUpdateRequest', () => {
  const edit = (change: Partial<HostFormValues>) => ({ ...formValuesFrom(existing), ...change });

  it('keeps the stored key when the secret fields stay empty', () => {
    expect(buildUpdateRequest(edit({ name: 'nas2' }), existing)).toEqual({
      ok: true,
      value: { name: 'nas2', address: 'nas.lan', port: 22, username: 'pi', recording: { mode: 'on', input: false } },
    });
  });

  it('sends a new key when one is pasted', () => {
    const r = buildUpdateRequest(edit({ privateKey: KEY }), existing);
    expect(r.ok && r.value.auth).toEqual({ method: 'key', privateKey: `${KEY}\n` });
  });

  it('asks for the key again when only the passphrase changed', () => {
    expect(buildUpdateRequest(edit({ passphrase: 'new' }), existing)).toMatchObject({ ok: false, field: 'privateKey' });
  });

  it('needs the new secret when switching method', () => {
    expect(buildUpdateRequest(edit({ method: 'password' }), existing)).toMatchObject({ ok: false, field: 'password' });
    const r = buildUpdateRequest(edit({ method: 'password', password: 'pw' }), existing);
    expect(r.ok && r.value.auth).toEqual({ method: 'password', password: 'pw' });
  });

  it('switching to keyboard-interactive sends the method alone', () => {
    const r = buildUpdateRequest(edit({ method: 'keyboard-interactive' }), existing);
    expect(r.ok && r.value.auth).toEqual({ method: 'keyboard-interactive' });
  });

  it('keeps keyboard-interactive without sending auth', () => {
    const ki = { ...existing, authMethod: 'keyboard-interactive' as const };
    const r = buildUpdateRequest({ ...formValuesFrom(ki) }, ki);
    expect(r.ok && 'auth' in r.value).toBe(false);
  });

  describe('an RDP host', () => {
    const rdpHost: HostView = {
      ...existing,
      protocol: 'rdp',
      port: 3389,
      authMethod: 'password',
      hasPassphrase: false,
      canOpen: ['rdp'],
      rdp: { keyboardLayout: 'sv-SE', security: 'tls', domain: 'LAB' },
    };

    it('fills the form from the stored settings', () => {
      expect(formValuesFrom(rdpHost)).toMatchObject({ protocol: 'rdp', port: '3389', keyboardLayout: 'sv-SE', security: 'tls', domain: 'LAB', password: '' });
    });

    it('keeps the stored password when the field stays empty, and always sends the settings', () => {
      expect(buildUpdateRequest({ ...formValuesFrom(rdpHost), keyboardLayout: 'ja-JP' }, rdpHost)).toEqual({
        ok: true,
        value: { name: 'nas', address: 'nas.lan', port: 3389, username: 'pi', rdp: { keyboardLayout: 'ja-JP', security: 'tls', domain: 'LAB' }, recording: { mode: 'on', input: false } },
      });
    });

    it('sends a new password when one is typed', () => {
      const r = buildUpdateRequest({ ...formValuesFrom(rdpHost), password: 'new' }, rdpHost);
      expect(r).toMatchObject({ ok: true, value: { auth: { method: 'password', password: 'new' }, rdp: { keyboardLayout: 'sv-SE' } } });
    });

    it('still needs a user and a valid domain', () => {
      expect(buildUpdateRequest({ ...formValuesFrom(rdpHost), username: '' }, rdpHost)).toMatchObject({ ok: false, field: 'username' });
      expect(buildUpdateRequest({ ...formValuesFrom(rdpHost), domain: 'a:b' }, rdpHost)).toMatchObject({ ok: false, field: 'domain' });
    });

    it('falls back to the default settings when the host has none', () => {
      const bare = { ...rdpHost, rdp: undefined };
      expect(formValuesFrom(bare)).toMatchObject({ keyboardLayout: 'en-US', security: 'any', domain: '' });
    });
  });

  it('leaves the RDP settings out of an SSH host update', () => {
    const r = buildUpdateRequest(edit({ name: 'x' }), existing);
    expect(r.ok && 'rdp' in r.value).toBe(false);
  });
});

describe('recording settings', () => {
  it.each([
    [{ mode: 'off', input: false }],
    [{ mode: 'on', input: true }],
    [{ mode: 'required', input: false }],
    [{ mode: 'required', input: true }],
  ] as const)('round-trips %o through the form, on create and on update', (recording) => {
    const host: HostView = { ...existing, recording };
    const values = formValuesFrom(host);
    expect(values).toMatchObject({ recordingMode: recording.mode, recordInput: recording.input });
    expect(buildUpdateRequest(values, host)).toMatchObject({ ok: true, value: { recording } });
    expect(buildCreateRequest({ ...values, privateKey: KEY })).toMatchObject({ ok: true, value: { recording } });
  });

  it('sends a changed policy without touching the stored secret', () => {
    const r = buildUpdateRequest({ ...formValuesFrom(existing), recordingMode: 'required', recordInput: true }, existing);
    expect(r).toEqual({ ok: true, value: { name: 'nas', address: 'nas.lan', port: 22, username: 'pi', recording: { mode: 'required', input: true } } });
  });

  it('starts a new host at the gateway default: recorded, typed input not kept', () => {
    expect(formValuesFrom(null)).toMatchObject({ recordingMode: 'on', recordInput: false });
  });
});
