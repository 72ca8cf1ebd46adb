// Opens an interactive shell on a host: resolve, TCP connect, SSH handshake with host-key and prompt callbacks, pty.
import { lookup } from 'node:dns/promises';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import type { ConnectStage, HostKeyInfo } from '../../../shared/terminal-protocol.js';
import type { HostRecord } from '../../store/types.js';
import { describeFailure, errorKindOf, SshSessionError } from './classify-error.js';
import { describeHostKey } from './host-key.js';
import { Watchdog } from './watchdog.js';

export interface KeyboardInteractiveQuestion {
  name: string;
  instructions: string;
  prompts: { prompt: string; echo: boolean }[];
}

/** What the caller decides while the shell opens; the connect timer is paused while a person answers. */
export interface OpenShellCallbacks {
  onStage(stage: ConnectStage): void;
  /** Resolve true to continue, false to refuse; reject with an SshSessionError to refuse with that reason. */
  verifyHostKey(key: HostKeyInfo): Promise<boolean>;
  answerPrompts(question: KeyboardInteractiveQuestion): Promise<string[]>;
}

export interface OpenShellRequest {
  host: HostRecord;
  cols: number;
  rows: number;
  /** Longest silence from the network while opening (time spent waiting on a person does not count). */
  timeoutMs: number;
  signal: AbortSignal;
  /** Name resolution; the system resolver unless a test supplies its own (tests must not query real DNS). */
  lookup?: (name: string) => Promise<string>;
}

const systemLookup = (name: string) => lookup(name).then((r) => r.address);

export interface SshShell {
  readonly stream: ClientChannel;
  readonly ssh: NodeSSH;
  resize(cols: number, rows: number): void;
  dispose(): void;
}

export async function openSshShell(req: OpenShellRequest, cb: OpenShellCallbacks): Promise<SshShell> {
  const { host } = req;
  const target = host.port === 22 ? host.address : `${host.address}:${host.port}`;
  const fail = (err: unknown): SshSessionError => {
    if (err instanceof SshSessionError) return err;
    const kind = errorKindOf(err);
    return new SshSessionError(kind, describeFailure(kind, target), { cause: (err as Error)?.message });
  };
  const watchdog = new Watchdog(req.timeoutMs);
  const onHostData = () => watchdog.touch();
  let socket: Socket | undefined;
  const ssh = new NodeSSH();
  const abort = () => {
    socket?.destroy();
    ssh.dispose();
  };
  req.signal.addEventListener('abort', abort, { once: true });
  try {
    cb.onStage('resolving');
    const address = isIP(host.address) ? host.address : await watchdog.race((req.lookup ?? systemLookup)(host.address));
    throwIfAborted(req.signal);

    cb.onStage('connecting');
    socket = await watchdog.race(connectTcp(address, host.port));
    socket.setNoDelay(true); // keystrokes are tiny: never wait for Nagle
    socket.on('data', onHostData); // the limit is on silence, not on slow PAM delays
    throwIfAborted(req.signal);

    cb.onStage('authenticating');
    let hostKeyFailure: SshSessionError | undefined;
    await watchdog.race(
      ssh.connect({
        sock: socket,
        host: host.address,
        port: host.port,
        username: host.username,
        ...credentialOptions(host),
        tryKeyboard: true,
        readyTimeout: 0, // our watchdog times the network and pauses while a person answers
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        hostVerifier: (keyBlob: Buffer, verify: (ok: boolean) => void) => {
          watchdog.pause(
            cb.verifyHostKey(describeHostKey(keyBlob)).then(
              (ok) => verify(ok),
              (err) => {
                hostKeyFailure = fail(err);
                verify(false);
              },
            ),
          );
        },
        onKeyboardInteractive: answerer(host, cb, watchdog),
      } as Parameters<NodeSSH['connect']>[0]),
    ).catch((err) => {
      throw hostKeyFailure ?? (isHostDenied(err) ? new SshSessionError('host-key-rejected', describeFailure('host-key-rejected', target)) : err);
    });
    const client = ssh.connection!;
    // node-ssh drops its error listener once connected; without ours a late error would crash the process.
    client.on('error', () => {});
    throwIfAborted(req.signal);

    cb.onStage('starting');
    const stream = await watchdog.race(
      new Promise<ClientChannel>((resolve, reject) => {
        client.shell(
          { term: 'xterm-256color', cols: req.cols, rows: req.rows },
          { env: { COLORTERM: 'truecolor' } },
          (err, channel) => (err ? reject(err) : resolve(channel)),
        );
      }),
    );
    return {
      stream,
      ssh,
      resize: (cols, rows) => stream.setWindow(rows, cols, 0, 0),
      dispose: () => {
        stream.destroy();
        ssh.dispose();
        socket?.destroy();
      },
    };
  } catch (err) {
    abort();
    if (req.signal.aborted) throw new SshSessionError('closed-by-host', 'The session was closed before it opened.');
    throw fail(err);
  } finally {
    socket?.off('data', onHostData);
    watchdog.stop();
    req.signal.removeEventListener('abort', abort);
  }
}

function credentialOptions(host: HostRecord): Record<string, string> {
  const auth = host.credential;
  if (auth.method === 'password') return { password: auth.password };
  if (auth.method === 'key') return auth.passphrase ? { privateKey: auth.privateKey, passphrase: auth.passphrase } : { privateKey: auth.privateKey };
  return {};
}

/** Keyboard-interactive: the stored password answers a lone password prompt once; anything else goes to the person. */
function answerer(host: HostRecord, cb: OpenShellCallbacks, watchdog: Watchdog) {
  let passwordUsed = false;
  return (name: string, instructions: string, _lang: string, prompts: { prompt: string; echo?: boolean }[], finish: (answers: string[]) => void) => {
    if (prompts.length === 0) return finish([]);
    const auth = host.credential;
    if (auth.method === 'password' && !passwordUsed && prompts.length === 1 && /password/i.test(prompts[0]!.prompt)) {
      passwordUsed = true;
      return finish([auth.password]);
    }
    const question = { name, instructions, prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })) };
    watchdog.pause(cb.answerPrompts(question).then(finish, () => finish([])));
  };
}

function connectTcp(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

function isHostDenied(err: unknown): boolean {
  return /host denied|verification failed/i.test((err as Error)?.message ?? '');
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('aborted');
}
