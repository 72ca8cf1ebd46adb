// Unit tests for the error, exit and close texts: every kind and code gets its own readable words.
import { describe, expect, it } from 'vitest';
import { CloseCode, FINAL_CLOSE_CODES } from '../../shared/close-codes';
import { TERMINAL_ERROR_KINDS, type TerminalErrorKind } from '../../shared/terminal-protocol';
import { describeClose, describeExit, describeTerminalError } from './error-text';

describe('describeTerminalError', () => {
  it.each(TERMINAL_ERROR_KINDS.map((k) => [k]))('%s has its own title and a sentence', (kind) => {
    const text = describeTerminalError(kind, 'nas');
    expect(text.title.length).toBeGreaterThan(3);
    expect(text.body).toMatch(/[.?]$/);
    expect(text.title).not.toBe('Connection failed');
  });

  it('gives every kind a distinct title', () => {
    const titles = TERMINAL_ERROR_KINDS.map((k) => describeTerminalError(k, 'h').title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('names the host and tells what to do for a changed key', () => {
    const text = describeTerminalError('host-key-changed', 'nas');
    expect(text.body).toContain('nas');
    expect(text.body).toMatch(/admin/);
    expect(text.body).toMatch(/Hosts page/);
  });

  it('falls back for a kind from a newer server', () => {
    expect(describeTerminalError('brand-new' as TerminalErrorKind, 'nas').title).toBe('Connection failed');
  });
});

describe('describeExit', () => {
  it.each([
    [0, null, 'Session ended (exit code 0)'],
    [130, null, 'Session ended (exit code 130)'],
    [null, 'SIGTERM', 'Session ended (signal TERM)'],
    [null, 'KILL', 'Session ended (signal KILL)'],
    [null, null, 'Session ended'],
  ])('exit %s signal %s', (code, signal, text) => {
    expect(describeExit(code, signal)).toBe(text);
  });
});

describe('describeClose', () => {
  it.each(FINAL_CLOSE_CODES.map((c) => [c]))('final code %i stops retrying', (code) => {
    expect(describeClose(code).final).toBe(true);
  });

  it.each([1000, 1001, 1006, 1011, 1012, CloseCode.shuttingDown])('code %i retries the same session', (code) => {
    const text = describeClose(code);
    expect(text.final).toBe(false);
    expect(text.body).toMatch(/Reconnecting/);
  });

  it('says when another tab took the session', () => {
    expect(describeClose(CloseCode.replaced).body).toMatch(/another browser tab/);
  });
});
