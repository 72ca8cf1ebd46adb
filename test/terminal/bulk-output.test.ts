// Flow control under a flood: 200 MB through one session with bounded memory, a non-acking client held at the watermark, Ctrl-C landing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FLOW_ACK_EVERY_BYTES, FLOW_HIGH_WATERMARK_BYTES } from '../../shared/limits.js';
import type { HostView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeLab('bulk output and flow control', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  let gw: TestGateway;
  let host: HostView;
  beforeAll(async () => {
    sshd = await startSshd();
    gw = await startTestGateway();
    host = await gw.addHost({ name: 'bulk', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
  });
  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
  });

  it('streams 200 MB with bounded memory, then Ctrl-C stops an endless producer', async () => {
    const { client, sessionId } = await gw.openTerminal(host.id);
    const session = gw.gateway.sessions.get(sessionId)!;
    client.type('stty -echo; echo ready-$((1+1))\r');
    await client.waitForOutput('ready-2');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let mirrorPeak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      mirrorPeak = Math.max(mirrorPeak, session.stats().mirrorQueuedBytes);
    }, 20);
    const before = client.bytesReceived;
    client.type("head -c 200000000 /dev/zero | tr '\\0' y; echo; echo stream-$((2+3))\r");
    await client.waitForOutput('stream-5', 180_000);
    clearInterval(sampler);
    expect(client.bytesReceived - before).toBeGreaterThanOrEqual(200_000_000);
    // The structural bounds: what one session may hold for its viewer and for its screen mirror.
    expect(session.stats().peakViewerBacklogBytes).toBeLessThanOrEqual(FLOW_HIGH_WATERMARK_BYTES + 64 * 1024);
    expect(mirrorPeak).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    // And the coarse one: gateway and client share this process, so an unbounded queue of 200 MB would show here
    // (the margin is for garbage not yet collected while other test files run beside this one).
    expect(peak - baseline).toBeLessThan(192 * 1024 * 1024);

    client.clearOutput();
    client.type('yes porthole-flood\r');
    await client.waitForOutput('porthole-flood\r\nporthole-flood');
    client.type('\x03');
    client.type('echo interrupted-$((3+4))\r');
    await client.waitForOutput('interrupted-7', 10_000);
    client.close();
  }, 240_000);

  it('holds a client that stops acknowledging at the high watermark, and resumes on ack', async () => {
    const { client } = await gw.openTerminal(host.id);
    client.type('echo go-$((1+1))\r');
    await client.waitForOutput('go-2');
    // Stop acknowledging from here on: the server must stop reading from SSH.
    (client as unknown as { options: { autoAck: boolean } }).options.autoAck = false;
    const start = client.bytesReceived;
    client.type('yes porthole-flood\r');
    // At most one ack's worth was unacknowledged when acks stopped, so the flood reaches at least this much.
    await client.waitFor(() => client.bytesReceived - start >= FLOW_HIGH_WATERMARK_BYTES - FLOW_ACK_EVERY_BYTES, 'the flood up to the watermark');
    await sleep(500);
    const held = client.bytesReceived;
    await sleep(1000);
    expect(client.bytesReceived).toBe(held);
    expect(held).toBeLessThan(FLOW_HIGH_WATERMARK_BYTES + 256 * 1024);
    client.send({ type: 'ack', bytes: held });
    await client.waitFor(() => client.bytesReceived > held + 64 * 1024, 'more output after the ack');
    client.send({ type: 'ack', bytes: 1 << 30 });
    client.type('\x03');
    (client as unknown as { options: { autoAck: boolean } }).options.autoAck = true;
    client.type('echo recovered-$((4+5))\r');
    await client.waitForOutput('recovered-9', 10_000);
    client.close();
  }, 60_000);
});
