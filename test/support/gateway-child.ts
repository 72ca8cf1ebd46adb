// The gateway as its own process (the way a person runs it), for tests that kill it or run it inside a namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cookieApi, type ApiCall } from './api-client.js';
import { redeemLoginLink, sessionCookieOf } from './login.js';
import { TerminalClient } from './terminal-client.js';

const root = join(import.meta.dirname, '..', '..');

export interface GatewayChild {
  child: ChildProcess;
  url: string;
  cookie: string;
  stderr(): string;
  exited: Promise<number | null>;
  api: ApiCall;
  openTerminal(hostId: string): Promise<{ client: TerminalClient; sessionId: string }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `server/main.ts` with `args` and logs in with the printed link. `wrap` runs it under another
 * command (e.g. unshare), which must end by exec-ing the arguments it is given.
 */
export async function startGatewayChild(args: string[], options: { wrap?: string[]; env?: Record<string, string> } = {}): Promise<GatewayChild> {
  // node itself with tsx's loader, not the tsx command: that one runs the gateway in a child process, which a
  // SIGKILL sent to tsx would leave running.
  const command = [...(options.wrap ?? []), process.execPath, '--import', 'tsx', join(root, 'server', 'main.ts'), '--port', '0', ...args];
  const child = spawn(command[0]!, command.slice(1), { cwd: root, env: { ...process.env, PORTHOLE_LOG_LEVEL: 'info', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', () => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const link = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/login#\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`the gateway exited ${code}: ${stderr}`)));
  });
  const url = link.slice(0, link.indexOf('/login'));
  const login = await redeemLoginLink(link);
  if (login.status !== 204) throw new Error(`login failed: HTTP ${login.status}`);
  const cookie = sessionCookieOf(login);

  const api = cookieApi(url, cookie);

  return {
    child,
    url,
    cookie,
    stderr: () => stderr,
    exited,
    api,
    async openTerminal(hostId) {
      const res = await api<{ id: string }>('POST', '/api/sessions', { hostId });
      if (res.status !== 201) throw new Error(`open session failed: ${res.status} ${JSON.stringify(res.body)}`);
      const wsUrl = `${url.replace('http', 'ws')}/api/sessions/${res.body.id}/terminal?cols=80&rows=24`;
      return { client: await TerminalClient.open({ url: wsUrl, headers: { cookie, origin: url }, trustHostKey: true }), sessionId: res.body.id };
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
