// Unit tests for the end-of-session panels: right status, right buttons, fingerprints passed through.
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/close-codes';
import { closeNotice, errorNotice, exitNotice, type EndActions } from './end-notices';

const act = (label: string) => ({ label, run: () => undefined });
const a: EndActions = { reconnect: act('Reconnect'), close: act('Close tab'), openHosts: act('Open Hosts page'), takeBack: act('Use it here') };
const labels = (n: { content: { actions: { label: string }[] } }) => n.content.actions.map((x) => x.label);
const key = (fp: string) => ({ algorithm: 'ssh-ed25519', fingerprint: fp });

describe('errorNotice', () => {
  it('shows pinned and presented keys and leads to the Hosts page for a changed key', () => {
    const n = errorNotice({ type: 'error', kind: 'host-key-changed', message: 'mismatch', hostKey: { pinned: key('SHA256:old'), presented: key('SHA256:new') } }, 'nas', a);
    expect(n.status).toBe('error');
    expect(n.content.hostKey?.pinned.fingerprint).toBe('SHA256:old');
    expect(n.content.hostKey?.presented.fingerprint).toBe('SHA256:new');
    expect(labels(n)).toEqual(['Open Hosts page', 'Reconnect', 'Close tab']);
    expect(n.content.details).toBe('mismatch');
  });

  it.each(['auth-failed', 'timeout', 'connection-refused'] as const)('%s offers Reconnect first', (kind) => {
    const n = errorNotice({ type: 'error', kind, message: '' }, 'nas', a);
    expect(labels(n)).toEqual(['Reconnect', 'Close tab']);
    expect(n.content.details).toBeUndefined();
    expect(n.content.title).not.toBe('');
  });
});

describe('exitNotice', () => {
  it('says the exit code', () => {
    const n = exitNotice({ type: 'exit', exitCode: 0, signal: null }, 'nas', a);
    expect(n).toMatchObject({ status: 'ended', content: { title: 'Session ended (exit code 0)', tone: 'info' } });
    expect(labels(n)).toEqual(['Reconnect', 'Close tab']);
  });
});

describe('closeNotice', () => {
  it.each([
    [CloseCode.sessionEnded, 'ended'],
    [CloseCode.sessionNotFound, 'ended'],
    [CloseCode.forbidden, 'error'],
    [CloseCode.upstreamFailed, 'error'],
    [CloseCode.replaced, 'elsewhere'],
  ])('code %i -> %s', (code, status) => {
    expect(closeNotice(code, '', a).status).toBe(status);
  });

  it('offers to take a replaced session back', () => {
    expect(labels(closeNotice(CloseCode.replaced, '', a))).toEqual(['Use it here', 'Close tab']);
  });

  it('keeps the close reason as details', () => {
    expect(closeNotice(CloseCode.forbidden, 'policy says no', a).content.details).toBe('policy says no');
  });
});
