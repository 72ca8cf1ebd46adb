// The floor: OpenSSH's `ssh -tt` (remote pty, local pipes, key auth) against the same sshd.
import { spawnTracked, type Tracked } from './procs.js';
import { Tap, type TerminalPipe } from './tap.js';

export interface SshTarget {
  port: number;
  user: string;
  /** Private key file, mode 0600. */
  keyFile: string;
}

export function sshArgs(target: SshTarget): string[] {
  return [
    '-tt', '-F', '/dev/null', '-i', target.keyFile, '-p', String(target.port),
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
    '-o', 'LogLevel=ERROR', '-o', 'EscapeChar=none', '-o', 'ControlMaster=no', '-o', 'ControlPath=none',
    `${target.user}@127.0.0.1`,
  ];
}

export interface SshTerminal extends TerminalPipe {
  proc: Tracked;
}

export function openSshTerminal(target: SshTarget): SshTerminal {
  const proc = spawnTracked('/usr/bin/ssh', sshArgs(target), { keepStdout: true });
  const tap = new Tap();
  proc.child.stdout!.on('data', (chunk: Buffer) => tap.push(chunk));
  return {
    name: 'ssh -tt',
    tap,
    proc,
    send: (text) => void proc.child.stdin!.write(text),
    close: () => proc.stop(),
  };
}
