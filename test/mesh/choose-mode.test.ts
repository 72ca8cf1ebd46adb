// Mode selection at start against the tailscaled double: tailnet when it answers and is logged in, local otherwise, with reasons.
import { chmodSync, chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseMode } from '../../server/mesh/choose-mode.js';
import { createLocalApiClient } from '../../server/mesh/localapi-client.js';
import { socketTrustProblem } from '../../server/mesh/socket-trust.js';
import { startTailscaledDouble, type TailscaledDouble } from '../support/tailscaled-double.js';
import { NODES } from '../support/tailnet-gateway.js';

const quickClient = (socketPath: string) => createLocalApiClient({ socketPath, timeoutMs: 300 });
const missing = () => join(mkdtempSync(join(tmpdir(), 'porthole-nosock-')), 'tailscaled.sock');

describe('chooseMode', () => {
  let double: TailscaledDouble | undefined;
  afterEach(async () => {
    await double?.close();
    double = undefined;
  });

  it('picks tailnet when the LocalAPI answers Running, with the node\'s addresses and the daemon version', async () => {
    double = await startTailscaledDouble({ self: NODES.gateway, peers: [] });
    const decision = await chooseMode({ mode: 'auto', sockets: [missing(), double.socketPath], createClient: quickClient });
    expect(decision.mode).toBe('tailnet');
    if (decision.mode !== 'tailnet') return;
    expect(decision.status.tailscaleIps).toEqual(['127.0.0.20']);
    expect(decision.status.self?.dnsName).toBe('porthole.tail1234.ts.net');
    expect(decision.version).toMatch(/^1\.103\.0/);
    expect(decision.client.socketPath).toBe(double.socketPath);
  });

  it('falls back to local and says why for each socket: absent, not logged in', async () => {
    const absent = missing();
    double = await startTailscaledDouble({ self: NODES.gateway, peers: [], backendState: 'NeedsLogin' });
    const decision = await chooseMode({ mode: 'auto', sockets: [absent, double.socketPath], createClient: quickClient });
    expect(decision).toEqual({ mode: 'local', reasons: [`no tailscaled socket at ${absent}`, `tailscaled at ${double.socketPath} is NeedsLogin, not Running (run \`tailscale up\`)`] });
  });

  it.each([
    ['a daemon that hangs', async () => (double = await startTailscaledDouble({ self: NODES.gateway, peers: [], hang: true })).socketPath, /did not answer .* within 300 ms/],
    ['a plain file where the socket should be', async () => {
      const path = missing();
      writeFileSync(path, '');
      return path;
    }, /is not a socket|refused the connection/],
    ['a missing socket configured explicitly', async () => missing(), /no tailscaled socket at/],
  ])('a configured socket with %s: local in auto mode, an error in tailnet mode', async (_name, socket, reason) => {
    const path = await socket();
    const auto = await chooseMode({ mode: 'auto', sockets: [path], createClient: quickClient });
    expect(auto.mode).toBe('local');
    expect(auto.mode === 'local' && auto.reasons[0]).toMatch(reason);
    await expect(chooseMode({ mode: 'tailnet', sockets: [path], createClient: quickClient })).rejects.toThrow(/mode is tailnet but no tailscaled LocalAPI can be used/);
  });

  it('refuses a probed default socket that another user could have planted in a world-writable directory', async () => {
    double = await startTailscaledDouble({ self: NODES.gateway, peers: [] });
    const dir = dirname(double.socketPath);
    chmodSync(dir, 0o1777);
    if (process.getuid?.() !== 0) return; // chown needs root; the ownership rule itself is unit-tested below
    chownSync(double.socketPath, 65534, 65534);
    const probed = await chooseMode({ mode: 'auto', sockets: [double.socketPath, missing()], createClient: quickClient });
    expect(probed.mode).toBe('local');
    expect(probed.mode === 'local' && probed.reasons[0]).toMatch(/refusing the tailscaled socket at .*belongs to uid 65534, not root, in a world-writable directory/);
    expect(double.requests).toEqual([]);
    // Configured explicitly, the owner's word counts.
    expect((await chooseMode({ mode: 'auto', sockets: [double.socketPath], socketsConfigured: true, createClient: quickClient })).mode).toBe('tailnet');
  });

  it('socketTrustProblem: a plain file is no socket; our own or root\'s socket is fine; another uid\'s is not', async () => {
    const file = missing();
    writeFileSync(file, '');
    expect(socketTrustProblem(file)).toMatch(/is not a socket/);
    double = await startTailscaledDouble({ self: NODES.gateway, peers: [] });
    chmodSync(dirname(double.socketPath), 0o1777);
    expect(socketTrustProblem(double.socketPath)).toBeNull();
    expect(socketTrustProblem(double.socketPath, 4242)).toBe(process.getuid?.() === 0 ? null : expect.stringMatching(/belongs to uid/));
  });

  it('never probes in local mode', async () => {
    double = await startTailscaledDouble({ self: NODES.gateway, peers: [] });
    expect(await chooseMode({ mode: 'local', sockets: [double.socketPath] })).toEqual({ mode: 'local', reasons: ['mode is set to local'] });
    expect(double.requests).toEqual([]);
  });

  it('an old daemon (pre-1.94 shapes) is still tailnet', async () => {
    double = await startTailscaledDouble({ self: NODES.gateway, peers: [NODES.alice], daemonVersion: 'old' });
    const decision = await chooseMode({ mode: 'tailnet', sockets: [double.socketPath], createClient: quickClient });
    expect(decision).toMatchObject({ mode: 'tailnet', version: expect.stringMatching(/^1\.80\./) });
  });
});
