// Each way a connection can fail reaches the browser as its own error kind, with words a person understands.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/close-codes.js';
import type { TerminalErrorKind } from '../../shared/terminal-protocol.js';
import { freePort } from '../lab/ports.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('connection failures', () => {
  let gw: TestGateway;
  const servers: Server[] = [];
  beforeAll(async () => {
    gw = await startTestGateway({}, 1_500);
  });
  afterAll(async () => {
    servers.forEach((s) => s.close());
    await gw?.close();
  });

  /** A loopback TCP server with a scripted misbehaviour. */
  async function listen(onConnection: (socket: import('node:net').Socket) => void): Promise<number> {
    const server = createServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as import('node:net').AddressInfo).port;
  }

  async function failureFor(address: string, port: number) {
    const host = await gw.addHost({ name: `h-${address}-${port}`, address, port, username: 'nobody', auth: { method: 'password', password: 'x' } });
    const { client } = await gw.openTerminal(host.id);
    const error = await client.waitForMessage('error', 10_000);
    const closed = await client.closed;
    return { error, closed };
  }

  it.each<[string, () => Promise<[string, number]>, TerminalErrorKind, RegExp]>([
    // Each row: a real loopback peer that fails one way (no mocks of the SSH client).
    ['nothing listens on the port', async () => ['127.0.0.1', await freePort()], 'connection-refused', /refused the connection/],
    ['the name does not resolve', async () => ['no-such-host.example', 22], 'name-not-resolved', /could not be resolved/],
    ['the server accepts but never speaks', async () => ['127.0.0.1', await listen(() => {})], 'timeout', /did not answer in time/],
    ['the server hangs up at once', async () => ['127.0.0.1', await listen((s) => s.destroy())], 'closed-by-host', /closed the connection/],
    ['the server speaks an SSH the gateway does not', async () => ['127.0.0.1', await listen((s) => s.write('SSH-1.5-ancient\r\n'))], 'protocol-error', /spoke SSH in a way/],
  ])('%s', async (_name, target, kind, words) => {
    const [address, port] = await target();
    const { error, closed } = await failureFor(address, port);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(words);
    expect(closed.code).toBe(CloseCode.upstreamFailed);
    expect(gw.logText()).toContain(`"event":"ssh.${kind}"`);
  });
});
