// Desktop sessions against real Xvnc: VeNCrypt X509 certificates pinned like host keys, and clipboard text (non-ASCII) both ways.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import { GuacStatus } from '../../shared/guac-status.js';
import { describeLab } from '../lab/availability.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describeLab('desktop trust and clipboard', xvncUnavailableReason(), () => {
  let x509: LabVnc;
  let plain: LabVnc;
  let gw: TestGateway;

  beforeAll(async () => {
    [x509, plain, gw] = await Promise.all([startXvnc({ security: 'X509Vnc' }), startXvnc({ security: 'VncAuth' }), startTestGateway()]);
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([x509?.stop(), plain?.stop()]);
  });

  async function open(hostId: string): Promise<{ client: GuacTestClient; session: SessionView }> {
    const session = (await gw.api<SessionView>('POST', '/api/sessions', { hostId })).body;
    const client = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=1024&height=768`, { cookie: gw.cookie, origin: gw.url });
    return { client, session };
  }

  it('pins a VeNCrypt X509 certificate on first use, and refuses a different one naming both', async () => {
    const host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'x509', protocol: 'vnc', address: x509.host, port: x509.port, auth: { method: 'password', password: x509.password } })).body;
    const first = await open(host.id);
    await first.client.waitFor((l) => l.some((i) => i.opcode === 'sync'), 'the first frame over TLS');
    first.client.close();
    await gw.api('DELETE', `/api/sessions/${first.session.id}`);
    const pinned = (await gw.api<HostView>('GET', `/api/hosts/${host.id}`)).body.hostKey;
    expect(pinned).toMatchObject({ algorithm: 'x509-sha256', fingerprint: x509.certificateFingerprint256 });

    // Another certificate pinned before: the server's own is now "changed".
    const other = 'AA:'.repeat(31) + 'AA';
    await gw.gateway.store.hostKeys.pin(host.id, { algorithm: 'x509-sha256', fingerprint: other });
    const second = await open(host.id);
    const closed = await second.client.closed;
    expect(Number(closed.reason)).toBe(GuacStatus.clientForbidden);
    const error = second.client.instructions.find((i) => i.opcode === 'error')!.args[0];
    expect(error).toContain(`pinned ${other}`);
    expect(error).toContain(`presented ${x509.certificateFingerprint256}`);
    expect((await gw.api<HostView>('GET', `/api/hosts/${host.id}`)).body.pendingHostKey).toMatchObject({ fingerprint: x509.certificateFingerprint256 });
  });

  it('refuses a server that stops offering certificate TLS once a certificate is pinned (no downgrade past the pin)', async () => {
    const host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'was-x509', protocol: 'vnc', address: plain.host, port: plain.port, auth: { method: 'password', password: plain.password } })).body;
    await gw.gateway.store.hostKeys.pin(host.id, { algorithm: 'x509-sha256', fingerprint: 'BB:'.repeat(31) + 'BB' });
    const { client } = await open(host.id);
    expect(Number((await client.closed).reason)).toBe(GuacStatus.clientForbidden);
    expect(client.instructions.find((i) => i.opcode === 'error')!.args[0]).toMatch(/pinned, but the server now offers only VNC.*possible downgrade/);
  });

  it('carries clipboard text both ways: non-ASCII into the desktop (pasted by xterm, read on the host), a selection out', async () => {
    const host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'clip', protocol: 'vnc', address: plain.host, port: plain.port, auth: { method: 'password', password: plain.password } })).body;
    const { client } = await open(host.id);
    await client.waitFor((l) => l.some((i) => i.opcode === 'sync'), 'a first frame');
    const text = 'Grüße, 中文 ✓ naïve café';
    const data = Buffer.from(text, 'utf8');
    client.send('clipboard', 7, 'text/plain');
    // Split inside a multi-byte character on purpose: blobs carry bytes, the text is put together at `end`.
    client.send('blob', 7, data.subarray(0, 8).toString('base64'));
    client.send('blob', 7, data.subarray(8).toString('base64'));
    client.send('end', 7);
    // Middle-click in the xterm pastes the selection Xvnc now holds; Return hands the line to the file.
    // The paste is asynchronous inside X (xterm asks for the selection, then writes it), so a
    // Return can beat it; each poll pastes and presses Return again until the line is in.
    const inside = { x: SCENE.xterm.x + 60, y: SCENE.xterm.y + 60 };
    await expect
      .poll(
        () => {
          for (const mask of [0, 2, 0]) client.send('mouse', inside.x, inside.y, mask);
          client.send('key', 0xff0d, 1);
          client.send('key', 0xff0d, 0);
          return plain.readTyped();
        },
        { timeout: 20_000, interval: 1_500 },
      )
      .toContain(text);

    // Out: double-clicking the banner's first word makes xterm own the selection; Xvnc hands it to its viewers.
    // Under load the two clicks can arrive further apart than xterm's double-click time, so it is repeated until it takes.
    const word = SCENE.bannerAt;
    await expect
      .poll(
        () => {
          for (const mask of [0, 1, 0, 1, 0]) client.send('mouse', word.x, word.y, mask);
          return client.instructions.some((i) => i.opcode === 'clipboard');
        },
        { timeout: 20_000, interval: 1_500 },
      )
      .toBe(true);
    await client.waitFor((l) => l.some((i) => i.opcode === 'end' && i.args[0] === l.find((c) => c.opcode === 'clipboard')!.args[0]), 'the end of that clipboard stream');
    const stream = client.instructions.find((i) => i.opcode === 'clipboard')!.args[0];
    const received = Buffer.concat(client.instructions.filter((i) => i.opcode === 'blob' && i.args[0] === stream).map((i) => Buffer.from(i.args[1]!, 'base64'))).toString('utf8');
    expect(received).toBe('PORTHOLE');
    client.close();
  });
});
