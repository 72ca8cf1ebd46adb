// The desktop tunnel against real Xvnc and a hostile RFB server: what guacamole-common-js needs, and failures that close one session only.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import { GuacStatus } from '../../shared/guac-status.js';
import { describeLab } from '../lab/availability.js';
import { startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describeLab('desktop tunnel', xvncUnavailableReason(), () => {
  let vnc: LabVnc;
  let gw: TestGateway;
  let hostile: Server;
  let hostilePort = 0;
  const hostileSockets = new Set<Socket>();
  let host: HostView;

  /** RFB 3.8, security None, then a ServerInit claiming a 65535x65535 screen and a 4 GiB name. */
  function startHostileServer(): Promise<void> {
    hostile = createServer((socket) => {
      hostileSockets.add(socket);
      socket.on('error', () => {});
      socket.write('RFB 003.008\n');
      let step = 0;
      socket.on('data', () => {
        step++;
        if (step === 1) socket.write(Buffer.from([1, 1])); // one security type: None
        if (step === 2) socket.write(Buffer.from([0, 0, 0, 0])); // SecurityResult OK
        if (step === 3) {
          const init = Buffer.alloc(24);
          init.writeUInt16BE(0xffff, 0);
          init.writeUInt16BE(0xffff, 2);
          init.writeUInt32BE(0xffffffff, 20);
          socket.write(init);
        }
      });
    });
    return new Promise((resolve) => hostile.listen(0, '127.0.0.1', () => ((hostilePort = (hostile.address() as { port: number }).port), resolve())));
  }

  beforeAll(async () => {
    [vnc, gw] = await Promise.all([startXvnc({ security: 'None' }), startTestGateway(), startHostileServer()]);
    host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'xvnc', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'none' } })).body;
  });
  afterAll(async () => {
    await gw?.close();
    await vnc?.stop();
    hostileSockets.forEach((s) => s.destroy());
    hostile?.close();
  });

  async function open(hostId: string, headers: Record<string, string> = {}): Promise<{ client: GuacTestClient; session: SessionView }> {
    const session = (await gw.api<SessionView>('POST', '/api/sessions', { hostId })).body;
    const client = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=800&height=600`, { cookie: gw.cookie, origin: gw.url, ...headers });
    return { client, session };
  }

  it('speaks what guacamole-common-js expects: UUID first, stages, size, images before the sync, pings answered', async () => {
    const { client, session } = await open(host.id);
    await client.waitFor((l) => l.some((i) => i.opcode === 'sync'), 'the first frame');
    const list = client.instructions;
    expect(list[0]).toMatchObject({ opcode: '', args: [expect.stringMatching(/^[0-9a-f-]{36}$/)] });
    expect(list.filter((i) => i.opcode === 'porthole-stage').map((i) => i.args[0])).toEqual(['resolving', 'connecting', 'authenticating', 'starting']);
    const firstSync = list.findIndex((i) => i.opcode === 'sync');
    expect(list.slice(0, firstSync).some((i) => i.opcode === 'size' && i.args[0] === '0')).toBe(true);
    expect(list.slice(0, firstSync).filter((i) => i.opcode === 'end').length).toBeGreaterThan(0);
    client.send('', 'ping', '1732590000000');
    await client.waitFor((l) => l.some((i) => i.opcode === '' && i.args[0] === 'ping' && i.args[1] === '1732590000000'), 'the ping echo');
    // The server followed the browser's size (Xvnc allows SetDesktopSize).
    await client.waitFor((l) => l.some((i) => i.opcode === 'size' && i.args[0] === '0' && i.args[1] === '800' && i.args[2] === '600'), 'the resize to 800x600');
    client.close();
    await gw.api('DELETE', `/api/sessions/${session.id}`);
  });

  it('a malformed instruction closes that tunnel only, with a numeric status; the session lives on for a re-attach', async () => {
    const { client, session } = await open(host.id);
    await client.waitFor((l) => l.some((i) => i.opcode === 'sync'), 'the first frame');
    client.sendRaw('99999.key;');
    const closed = await client.closed;
    expect(closed.reason).toBe(String(GuacStatus.clientBadRequest));
    expect(client.instructions.find((i) => i.opcode === 'error')?.args[0]).toMatch(/malformed instruction/);
    const again = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop`, { cookie: gw.cookie, origin: gw.url });
    await again.waitFor((l) => l.some((i) => i.opcode === 'sync'), 'a full frame for the re-attached viewer');
    expect(again.instructions.some((i) => i.opcode === 'img')).toBe(true);
    again.close();
    await gw.api('DELETE', `/api/sessions/${session.id}`);
  });

  it('a hostile server (absurd ServerInit) ends only its own session, with a reason; the gateway and other desktops go on', async () => {
    const bad = (await gw.api<HostView>('POST', '/api/hosts', { name: 'hostile', protocol: 'vnc', address: '127.0.0.1', port: hostilePort, auth: { method: 'none' } })).body;
    const good = await open(host.id);
    const { client } = await open(bad.id);
    const closed = await client.closed;
    expect(Number(closed.reason)).toBe(GuacStatus.upstreamError);
    expect(client.instructions.find((i) => i.opcode === 'error')?.args[0]).toMatch(/The VNC server sent something invalid/);
    await good.client.waitFor((l) => l.some((i) => i.opcode === 'sync'), 'the healthy desktop still drawing');
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
    good.client.close();
  });

  it('refuses a tunnel from a foreign origin before upgrading, and an unknown session with a status', async () => {
    await expect(GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/x/desktop`, { cookie: gw.cookie, origin: 'https://evil.example' })).rejects.toThrow(/HTTP 403/);
    const lost = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/no-such/desktop`, { cookie: gw.cookie, origin: gw.url });
    expect((await lost.closed).reason).toBe(String(GuacStatus.resourceNotFound));
  });

  it('a nearly stalled browser holds the stream at two frames, and catching up resumes it', async () => {
    const { client, session } = await open(host.id);
    client.echoSyncs = false;
    await client.waitFor((l) => l.filter((i) => i.opcode === 'sync').length >= 1, 'a first frame');
    // Move the pointer between the root window and the xterm: the cursor changes shape each time, a new frame each.
    for (let i = 0; i < 6; i++) client.send('mouse', i % 2 ? 150 : 20, i % 2 ? 150 : 20, 0);
    const syncs = () => client.instructions.filter((i) => i.opcode === 'sync');
    // The second frame needs a round trip through Xvnc, so wait for it; then give a third time to (wrongly) come.
    await client.waitFor(() => syncs().length >= 2, 'a second frame');
    await new Promise((r) => setTimeout(r, 400));
    expect(syncs().length).toBe(2);
    client.echoSyncs = true;
    for (const s of syncs()) client.send('sync', s.args[0]!);
    await client.waitFor(() => syncs().length >= 3, 'the held changes as a frame after the echoes');
    client.send('mouse', 150, 150, 0);
    client.send('key', 0x61, 1);
    client.send('key', 0x61, 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(vnc.readTyped()).toBe('');
    client.send('key', 0xff0d, 1);
    client.send('key', 0xff0d, 0);
    await expect.poll(() => vnc.readTyped()).toContain('a');
    client.close();
    await gw.api('DELETE', `/api/sessions/${session.id}`);
  });
});
