// Unit tests for mapping low-level failures (errno codes, ssh2 error levels and messages) to error kinds.
import { describe, expect, it } from 'vitest';
import { describeFailure, errorKindOf, SshSessionError } from './classify-error.js';
import { TERMINAL_ERROR_KINDS } from '../../../shared/terminal-protocol.js';

const err = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'x')), fields);

describe('errorKindOf', () => {
  it.each([
    [err({ code: 'ENOTFOUND' }), 'name-not-resolved'],
    [err({ code: 'EAI_AGAIN' }), 'name-not-resolved'],
    [err({ code: 'ECONNREFUSED' }), 'connection-refused'],
    [err({ code: 'EHOSTUNREACH' }), 'host-unreachable'],
    [err({ code: 'ENETUNREACH' }), 'host-unreachable'],
    [err({ code: 'ETIMEDOUT' }), 'timeout'],
    [err({ code: 'ECONNRESET' }), 'closed-by-host'],
    [err({ level: 'client-authentication', message: 'All configured authentication methods failed' }), 'auth-failed'],
    [err({ level: 'protocol', message: 'Connection lost before handshake' }), 'closed-by-host'],
    [err({ message: 'Invalid identification string' }), 'protocol-error'],
    [err({ level: 'handshake', message: 'Handshake failed: no matching key exchange algorithm' }), 'protocol-error'],
    [new SshSessionError('host-key-changed', 'x'), 'host-key-changed'],
    [err({ message: 'something else' }), 'internal'],
    [undefined, 'internal'],
  ])('%s -> %s', (error, kind) => {
    expect(errorKindOf(error)).toBe(kind);
  });

  it.each(TERMINAL_ERROR_KINDS)('has words naming the host for %s', (kind) => {
    expect(describeFailure(kind, 'nas.lan')).toMatch(/nas\.lan/);
  });
});
