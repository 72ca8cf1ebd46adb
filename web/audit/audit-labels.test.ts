// Audit page words and filters: labels for known and unknown actions, detail summaries that never drop a key, and the query the API gets.
import { describe, expect, it } from 'vitest';
import type { AuditEventView } from '../../shared/audit-types';
import { actionLabel, detailSummary, formatBytes, formatDuration } from './audit-labels';
import { apiQuery, filtersFromQuery, NO_FILTERS, pageQuery } from './audit-query';

const event = (action: string, detail: Record<string, unknown>): AuditEventView => ({
  id: '1', at: 0, action, actor: { principal: 'owner', name: 'Owner', device: null, address: null }, hostId: null, hostName: null, protocol: null, sessionId: null, linkId: null, detail,
});

describe('audit labels', () => {
  it.each([
    ['share.opened', 'Share link used'],
    ['host.credential_changed', 'Credential changed'],
    ['recording.pruned', 'Old recordings pruned'],
    ['recording.gone_missing', 'Recording gone missing'],
    ['weird', 'Weird'],
  ])('%s → %s', (action, label) => expect(actionLabel(action)).toBe(label));

  it.each([
    ['host.updated', { changed: ['name', 'port'], before: { name: 'a', port: 22 }, after: { name: 'b', port: 2222 }, credentialChanged: false, hostKeyForgotten: true }, 'name a → b, port 22 → 2222 · host key forgotten (new address)'],
    ['host.credential_changed', { changed: ['credential'], before: {}, after: {}, credentialChanged: true }, 'credential'],
    ['session.end', { bytes: 1_572_864, durationMs: 125_000, reason: 'closed by the owner' }, 'closed by the owner · 1.5 MB · 2 min 5 s'],
    ['host.created', { address: '10.0.0.5', port: 22, username: 'root', authMethod: 'key', source: 'ui' }, 'root@10.0.0.5:22 · key sign-in'],
    ['token.created', { tokenId: 't-1', name: 'backup script' }, '“backup script”'],
    ['auth.login', { method: 'login-link' }, 'with the login link'],
    ['auth.login_refused', { method: 'login-link', reason: 'unknown, used or expired' }, 'with the login link · unknown, used or expired'],
    ['auth.arrived', { via: 'tailnet', os: 'macOS' }, 'identified by tailscaled · macOS'],
    ['auth.arrived', { via: 'serve', quietMinutes: 95 }, 'through tailscale serve · back after 1 h 35 min'],
    ['share.opened', { text: 'use 1 of 2' }, 'use 1 of 2'],
    ['hostkey.accepted', { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new', previous: 'SHA256:old' }, 'SHA256:new · was SHA256:old · algorithm: ssh-ed25519'],
    ['audit.exported', { filters: { action: 'share' } }, 'filters action=share'],
    ['audit.exported', { filters: {} }, 'everything'],
  ])('%s %j → %s', (action, detail, text) => expect(detailSummary(event(action, detail))).toBe(text));

  it.each([
    [0, '0 B'],
    [2048, '2.0 KB'],
    [50 * 1024 * 1024, '50 MB'],
  ])('formatBytes(%d) = %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it('formats durations', () => expect([formatDuration(4_000), formatDuration(3_720_000)]).toEqual(['4 s', '1 h 2 min']));
});

describe('audit filters', () => {
  it('round-trips the page address, ignoring malformed days', () => {
    const filters = filtersFromQuery(new URLSearchParams('action=share&actor=bob&from=2026-03-01&to=yesterday&q=%20x%20'));
    expect(filters).toEqual({ ...NO_FILTERS, action: 'share', actor: 'bob', fromDate: '2026-03-01', q: 'x' });
    expect(pageQuery(filters)).toBe('?action=share&actor=bob&q=x&from=2026-03-01');
    expect(pageQuery(NO_FILTERS)).toBe('');
  });

  it('asks the API for whole local days, the `to` day included', () => {
    const query = new URLSearchParams(apiQuery({ ...NO_FILTERS, fromDate: '2026-03-01', toDate: '2026-03-01' }, { limit: '50' }));
    expect(Number(query.get('from'))).toBe(new Date(2026, 2, 1).getTime());
    expect(Number(query.get('to'))).toBe(new Date(2026, 2, 2).getTime());
    expect(query.get('limit')).toBe('50');
  });
});
