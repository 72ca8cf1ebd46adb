// Opens an RDP desktop for a session: one porthole-rdp helper process (FreeRDP), spoken to over its pipes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DEFAULT_RDP_SETTINGS } from '../../../shared/api-types.js';
import type { ConnectStage } from '../../../shared/terminal-protocol.js';
import { Framebuffer } from '../../guac/framebuffer.js';
import type { Logger } from '../../log.js';
import type { DesktopConnection, OpenDesktop, OpenDesktopRequest } from '../../sessions/desktop-connection.js';
import { DesktopTimeoutError } from '../../sessions/desktop-failure.js';
import { putBgrx } from './bgrx.js';
import { RdpError } from './errors.js';
import { encode, HelperMessageReader, HelperProtocolError, type HelperMessage } from './helper-protocol.js';
import { RdpKeyboard } from './keyboard/keymap.js';

const systemLookup = (name: string) => dnsLookup(name).then((r) => r.address);
const STAGES: Record<number, ConnectStage> = { 1: 'connecting', 2: 'authenticating', 3: 'authenticating', 4: 'starting' };
/** stderr is diagnostics only; a helper that floods it must not grow the gateway's memory. */
const MAX_STDERR_LINES = 200;

export interface RdpOpenerOptions {
  helperPath: string;
  log: Logger;
}

export interface RdpOpener {
  open: OpenDesktop;
  /** Waits until every helper has exited (each is asked to leave, and killed after a second). */
  close(): Promise<void>;
}

/** One opener per gateway; it owns the helper processes it starts, so the gateway can wait them out on shutdown. */
export function createRdpOpener(options: RdpOpenerOptions): RdpOpener {
  const children = new Set<ChildProcessWithoutNullStreams>();
  return {
    open: (req) => openRdpDesktop(req, options, children),
    async close() {
      await Promise.all(
        [...children].map((child) => {
          if (child.exitCode !== null || child.signalCode !== null) return undefined;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          stop(child);
          return exited;
        }),
      );
    },
  };
}

async function openRdpDesktop(req: OpenDesktopRequest, options: RdpOpenerOptions, children: Set<ChildProcessWithoutNullStreams>): Promise<DesktopConnection> {
  const { host } = req;
  const settings = host.rdp ?? DEFAULT_RDP_SETTINGS;
  const log = options.log.child({ host: host.name, protocol: 'rdp' });
  // Standard RDP Security has no certificate: once one is pinned, allowing it would let anyone in the
  // path downgrade the connection past the pin and read the password. So 'any' then means TLS or NLA.
  if (req.certificatePinned && settings.security === 'rdp') {
    throw new RdpError('certificate-rejected', `${host.name} has a pinned certificate, and RDP security would skip it: choose TLS, NLA or Automatic, or have an admin forget the certificate`);
  }
  const security = req.certificatePinned && settings.security === 'any' ? 'tls-nla' : settings.security;
  req.stage('resolving');
  const address = isIP(host.address) ? host.address : await (req.lookup ?? systemLookup)(host.address);
  req.signal.throwIfAborted();
  req.stage('connecting');

  // No secret on the command line or in the environment (both show in ps): it goes down stdin.
  const child = spawn(options.helperPath, [], { stdio: ['pipe', 'pipe', 'pipe'], env: helperEnvironment() });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child)); // never started: no exit will come
  const reader = new HelperMessageReader();
  const keyboard = new RdpKeyboard(settings.keyboardLayout);
  let framebuffer: Framebuffer | undefined;
  let connection: DesktopConnection | undefined;
  let settled = false;
  let closing = false;
  let ended = false;
  let stderrLines = 0;
  let lastError: RdpError | undefined;

  return new Promise<DesktopConnection>((resolve, reject) => {
    const timer = setTimeout(() => fail(new DesktopTimeoutError(`${host.name} did not start an RDP session within ${Math.round(req.connectTimeoutMs / 1000)} s`)), req.connectTimeoutMs);
    const onAbort = () => fail(req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted'));
    req.signal.addEventListener('abort', onAbort, { once: true });

    function send(message: Buffer): void {
      if (!child.stdin.destroyed && child.stdin.writable) child.stdin.write(message);
    }

    /** Ends the helper and reports once: before READY the open fails, after it the session hears `closed`. */
    function fail(error: Error): void {
      finish(error);
    }

    function finish(error?: Error): void {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      stop(child);
      if (!settled) {
        settled = true;
        reject(error ?? new RdpError('disconnected-by-server', `${host.name} closed the RDP connection`));
      } else {
        req.events.closed(closing ? undefined : error);
      }
    }

    function handle(message: HelperMessage): void {
      switch (message.type) {
        case 'stage': {
          const stage = STAGES[message.stage];
          if (stage && !settled) req.stage(stage);
          return;
        }
        case 'certificate':
          void req.checkCertificate(message.fingerprint).then(
            (refusal) => {
              if (refusal) lastError = new RdpError('certificate-rejected', refusal);
              send(encode.certAnswer(refusal === null));
            },
            (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
          );
          return;
        case 'ready': {
          framebuffer = new Framebuffer(message.width, message.height);
          connection = {
            framebuffer,
            name: host.name,
            key: (keysym, down) => {
              for (const action of keyboard.press(keysym, down)) {
                send(action.kind === 'scancode' ? encode.key(action.code, action.down) : encode.unicode(action.codeUnit, action.down));
              }
            },
            pointer: (x, y, buttons) => send(encode.mouse(x, y, buttons)),
            clipboard: (text) => send(encode.clipboard(text)),
            resize: (width, height) => {
              send(encode.resize(width, height));
              return true;
            },
            close: () => {
              closing = true;
              finish();
            },
          };
          settled = true;
          clearTimeout(timer);
          resolve(connection);
          return;
        }
        case 'size':
          if (!framebuffer) return;
          framebuffer.resize(message.width, message.height);
          req.events.changes([{ kind: 'resize' }]);
          return;
        case 'frame': {
          const fb = framebuffer;
          if (!fb) return;
          const changes = [];
          for (const rect of message.rects) {
            // A rectangle outside the screen is the helper's bug or a race with a resize: skip it, never write past the buffer.
            if (rect.width === 0 || rect.height === 0 || rect.x + rect.width > fb.width || rect.y + rect.height > fb.height) continue;
            putBgrx(fb.data, fb.width, rect.x, rect.y, rect.width, rect.height, rect.pixels);
            changes.push({ kind: 'damage' as const, rect: { x: rect.x, y: rect.y, width: rect.width, height: rect.height } });
          }
          fb.endUpdate();
          if (changes.length) req.events.changes(changes);
          return;
        }
        case 'cursor':
          req.events.cursor({ hotX: message.hotX, hotY: message.hotY, width: message.width, height: message.height, rgba: new Uint8Array(message.rgba) });
          return;
        case 'clipboard':
          req.events.clipboard(message.text);
          return;
        case 'logon':
          log.debug({ event: 'rdp.logon' }, 'the RDP server confirmed the logon');
          return;
        case 'error':
          // A certificate we refused comes back as the helper's rejection: keep our words, which name both fingerprints.
          lastError = message.kind === 'certificate-rejected' && lastError?.kind === 'certificate-rejected' ? lastError : new RdpError(message.kind, message.message);
          return;
      }
    }

    child.stdout.on('data', (chunk: Buffer) => {
      let messages: HelperMessage[];
      try {
        messages = reader.push(chunk);
      } catch (error) {
        log.warn({ event: 'rdp.helper_protocol', err: (error as Error).message }, 'the RDP helper sent something unreadable');
        return fail(new RdpError('protocol', error instanceof HelperProtocolError ? error.message : 'the RDP helper sent something unreadable'));
      }
      for (const message of messages) {
        if (ended) return;
        try {
          handle(message);
        } catch (error) {
          log.warn({ event: 'rdp.helper_message_failed', err: (error as Error).message }, 'an RDP helper message could not be applied');
          return fail(new RdpError('protocol', (error as Error).message));
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrLines >= MAX_STDERR_LINES) return;
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() && stderrLines++ < MAX_STDERR_LINES) log.debug({ event: 'rdp.helper_log', line: line.slice(0, 500) }, 'rdp helper');
      }
    });
    child.stdin.on('error', () => {}); // EPIPE when the helper has gone: its exit says why
    child.on('error', (error) => fail(new RdpError('helper-missing', `the RDP helper could not start: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (closing) return finish();
      if (lastError) return fail(lastError);
      if (code === 0) return finish(new RdpError('disconnected-by-server', `${host.name} ended the RDP session`));
      log.warn({ event: 'rdp.helper_crashed', code, signal }, 'the RDP helper stopped unexpectedly');
      fail(new RdpError('helper-crashed', `the RDP helper stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });

    send(
      encode.connect({
        host: address,
        port: host.port,
        username: host.username,
        password: host.credential.method === 'password' ? host.credential.password : '',
        domain: settings.domain,
        security,
        width: req.width,
        height: req.height,
        certificate: 'ask',
        keyboardLayout: keyboard.rdpLayoutId,
      }),
    );
  });
}

/**
 * Only what FreeRDP needs (it keeps its configuration under HOME): nothing of the gateway's own
 * environment, which may hold tokens or database URLs, reaches the helper.
 */
function helperEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' };
}

/** Closing stdin asks the helper to leave; one that does not within a second is killed. */
function stop(child: ChildProcessWithoutNullStreams): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin.end();
  const killer = setTimeout(() => child.kill('SIGKILL'), 1_000);
  killer.unref();
  child.once('exit', () => clearTimeout(killer));
}
