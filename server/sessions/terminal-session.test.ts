// Unit tests for a session's fan-out with an in-memory shell: one frame per loop turn, order with control messages, type-ahead.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TerminalServerMessage } from '../../shared/terminal-protocol.js';
import { ownerIdentity } from '../auth/identity.js';
import { createLogger } from '../log.js';
import type { SshShell } from '../protocols/ssh/open-ssh-shell.js';
import type { HostRecord } from '../store/types.js';
import { TerminalSession } from './terminal-session.js';
import type { TerminalViewer } from './viewer.js';

const host: HostRecord = {
  id: 'h1', name: 'mem', protocol: 'ssh', address: '127.0.0.1', port: 22, username: 'u', authMethod: 'keyboard-interactive',
  credential: { method: 'keyboard-interactive' }, source: 'ui', recording: { mode: 'off', input: false }, createdAt: 0, updatedAt: 0,
};

/** A shell whose output the test writes and whose input the test reads. */
function memoryShell() {
  const stream = Object.assign(new PassThrough(), { stderr: new PassThrough(), setWindow: () => {} });
  const typed: string[] = [];
  stream.write = ((chunk: Uint8Array) => (typed.push(Buffer.from(chunk).toString()), true)) as typeof stream.write;
  const shell = { stream, ssh: { connection: null }, resize: () => {}, dispose: () => stream.destroy() } as unknown as SshShell;
  return { shell, output: (text: string) => stream.push(Buffer.from(text)), typed };
}

function recordingViewer() {
  const events: (string | TerminalServerMessage)[] = [];
  const viewer: TerminalViewer = {
    id: 'v1', identity: ownerIdentity('browser'), role: 'owner', linkId: null, since: 0,
    sendControl: (m) => events.push(m), sendOutput: (b) => events.push(Buffer.from(b).toString()),
    pauseInput: () => {}, resumeInput: () => {}, close: () => {}, backlog: () => 0,
  };
  return { viewer, events, outputs: () => events.filter((e): e is string => typeof e === 'string') };
}

async function startedSession() {
  const mem = memoryShell();
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const session = new TerminalSession({ principal: 'owner', name: 'Owner' }, host, {
    hostKeys: {} as never, log: createLogger({ level: 'silent' }), graceMs: 60_000, connectTimeoutMs: 1000, questionTimeoutMs: 1000,
    onEnded: () => {},
    openShell: async () => {
      await opened;
      return mem.shell;
    },
  });
  const v = recordingViewer();
  session.attach(v.viewer, { cols: 80, rows: 24 });
  return { session, mem, v, open };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('TerminalSession fan-out', () => {
  it('sends what arrived in one event-loop turn as one frame', async () => {
    const { session, mem, v, open } = await startedSession();
    open();
    await nextTurn();
    mem.output('a');
    mem.output('b');
    mem.output('c');
    await nextTurn();
    await nextTurn();
    expect(v.outputs()).toEqual(['abc']);
    session.end(4000, 'done');
  });

  it('keeps output ahead of a control message that follows it', async () => {
    const { session, mem, v, open } = await startedSession();
    open();
    await nextTurn();
    mem.output('last words');
    await new Promise((r) => process.nextTick(r)); // delivered, not yet flushed
    mem.shell.stream.emit('exit', 0);
    mem.shell.stream.emit('close');
    const tail = v.events.slice(-2);
    expect(tail[0]).toBe('last words');
    expect(tail[1]).toMatchObject({ type: 'exit', exitCode: 0 });
    expect(session.isClosed).toBe(true);
  });

  it('types keys pressed while connecting once the shell starts', async () => {
    const { session, mem, v, open } = await startedSession();
    session.input(v.viewer, Buffer.from('ls\r'));
    expect(mem.typed).toEqual([]);
    open();
    await nextTurn();
    expect(mem.typed).toEqual(['ls\r']);
    session.end(4000, 'done');
  });
});
