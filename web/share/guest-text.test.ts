// The guest page's sentences: the share summary, refusals and the end card.
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/close-codes';
import { describeLink, endText, refusalText } from './guest-text';

describe('describeLink', () => {
  it.each([
    [{ kind: 'session' as const, sharedBy: 'Alice', hostName: 'nas', protocol: 'ssh' as const, mode: 'view' as const }, 'Alice shared a live terminal session on nas (read-only)'],
    [{ kind: 'session' as const, sharedBy: 'Bob', hostName: 'win', protocol: 'vnc' as const, mode: 'control' as const }, 'Bob shared a live desktop session on win (you can type)'],
    [{ kind: 'host' as const, sharedBy: 'Alice', hostName: 'pi', protocol: 'ssh' as const, mode: 'control' as const }, 'Alice shared a terminal on pi'],
    [{ kind: 'host' as const, sharedBy: '', hostName: 'pi', protocol: 'vnc' as const, mode: 'control' as const }, 'Someone shared a desktop on pi'],
  ])('%o', (link, text) => {
    expect(describeLink(link)).toBe(text);
  });
});

describe('refusalText', () => {
  it.each([
    ['passcode-required', 'This link needs a passcode'],
    ['wrong-passcode', 'That passcode is not right'],
    ['not-found', 'This link does not work'],
    ['expired', 'This link expired'],
    ['revoked', 'This link was revoked'],
    ['used-up', 'This link has been used up'],
    ['ended', 'The shared session has ended'],
    ['tailnet-only', 'This link works only on the tailnet'],
    ['network', 'Porthole is not answering'],
  ])('%s -> %s', (code, title) => {
    expect(refusalText(code, 'server words').title).toBe(title);
  });

  it('says how long to wait when rate-limited', () => {
    expect(refusalText('rate-limited', '', 30).body).toContain('30 seconds');
    expect(refusalText('rate-limited', '', 600).body).toContain('10 minutes');
    expect(refusalText('rate-limited', '', null).body).toContain('a few minutes');
  });

  it('falls back to the server message for codes it does not know', () => {
    expect(refusalText('csrf', 'requests from origin "x" are refused')).toEqual({ title: 'This link cannot be opened', body: 'requests from origin "x" are refused' });
  });
});

describe('endText', () => {
  it.each([
    [CloseCode.removed, 'removed by the owner', 'The owner removed you'],
    [CloseCode.shareEnded, 'Alice revoked this link', 'This link was revoked'],
    [CloseCode.shareEnded, 'this link expired', 'This link expired'],
    [CloseCode.shareEnded, 'the shared session ended', 'The shared session has ended'],
    [CloseCode.shareEnded, '', 'This link has ended'],
    [CloseCode.shareEnded, 'this link has been used 1 of 1 times', 'This link has been used up'],
    [CloseCode.sessionEnded, 'the shell exited', 'The session ended'],
    [0x0303, 'this link expired at 2026-01-01T00:00:00.000Z', 'This link expired'],
    [CloseCode.forbidden, 'no such pass', 'Disconnected'],
  ])('%d %s -> %s', (code, reason, title) => {
    expect(endText(code, reason).title).toBe(title);
  });
});
