// The terminal path end to end without a browser: gateway <-> real OpenSSH sshd, driven by a protocol-level client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/close-codes.js';
import type { HostView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describeLab('ssh terminal through the gateway', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  let gw: TestGateway;
  let host: HostView;

  beforeAll(async () => {
    sshd = await startSshd({ extraConfig: ['AcceptEnv COLORTERM LANG LC_*'] });
    gw = await startTestGateway();
    host = await gw.addHost({ name: 'lab', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password } });
  });
  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
  });

  it('opens a shell with password auth, trusting the host key on first use', async () => {
    const { client } = await gw.openTerminal(host.id);
    const question = await client.waitForMessage('hostkey');
    expect(question.key.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(question.key.algorithm).toBe('ssh-ed25519');
    await client.waitFor(() => client.messages.some((m) => m.type === 'stage' && m.stage === 'ready'), 'ready');
    const stages = client.messages.filter((m) => m.type === 'stage').map((m) => (m as { stage: string }).stage);
    expect(stages).toEqual(['resolving', 'connecting', 'authenticating', 'starting', 'ready']);
    client.type('echo "T=$TERM C=$COLORTERM"\r');
    await client.waitForOutput('T=xterm-256color C=truecolor');
    const pinned = (await gw.api<HostView>('GET', `/api/hosts/${host.id}`)).body.hostKey;
    expect(pinned?.fingerprint).toBe(sshd.hostKeyFingerprint);
    client.close();
  });

  it('passes UTF-8 both ways (CJK, emoji) and follows resizes', async () => {
    const { client } = await gw.openTerminal(host.id, { cols: 100, rows: 30 });
    await client.waitFor(() => client.messages.some((m) => m.type === 'stage' && m.stage === 'ready'), 'ready');
    client.type('stty size; printf "%s\\n" "中文 😀 ümlaut" | od -An -tx1 | head -2\r');
    await client.waitForOutput('30 100');
    await client.waitForOutput('e4 b8 ad e6 96 87');
    client.send({ type: 'resize', cols: 132, rows: 43 });
    client.type('stty size\r');
    await client.waitForOutput('43 132');
    client.type('echo "<中文😀>"\r');
    await client.waitForOutput('<中文😀>');
    client.close();
  });

  it('logs in with a private key', async () => {
    const keyHost = await gw.addHost({ name: 'lab-key', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
    const { client } = await gw.openTerminal(keyHost.id);
    client.type('echo key-login-$((6*7))\r');
    await client.waitForOutput('key-login-42');
    client.close();
  });

  it('reports a wrong password as an authentication failure and never logs the secret', async () => {
    const bad = await gw.addHost({ name: 'lab-bad', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'password', password: 'not-the-password-xyzzy' } });
    const { client } = await gw.openTerminal(bad.id);
    const error = await client.waitForMessage('error', 20_000);
    expect(error.kind).toBe('auth-failed');
    expect((await client.closed).code).toBe(CloseCode.upstreamFailed);
    expect(gw.logText()).toContain('ssh.auth-failed');
    expect(gw.logText()).not.toContain('not-the-password-xyzzy');
    expect(gw.logText()).not.toContain(sshd.password);
  });

  it('re-attaches to the same shell after the WebSocket drops, with the screen restored', async () => {
    const { client, sessionId } = await gw.openTerminal(host.id);
    client.type('echo "pid=$$"; echo before-the-blip\r');
    await client.waitForOutput(/pid=\d+/);
    const pid = /pid=(\d+)/.exec(client.output)![1];
    client.ws.terminate(); // a blip: no close handshake
    await client.closed;
    const again = await gw.attach(sessionId);
    const attached = await again.waitForMessage('attached');
    expect(attached.restored).toBe(true);
    await again.waitForOutput('before-the-blip');
    again.type('echo "pid=$$"\r');
    await again.waitForOutput(`pid=${pid}\r\n`);
    again.close();
  });

  it('closes only the offending connection on malformed or oversized messages', async () => {
    const { client, sessionId } = await gw.openTerminal(host.id);
    await client.waitFor(() => client.messages.some((m) => m.type === 'stage' && m.stage === 'ready'), 'ready');
    client.ws.send('{"type":"resize","cols":"wide"}');
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.malformedMessage);
    expect(closed.reason).toMatch(/cols/);

    const second = await gw.attach(sessionId);
    await second.waitForMessage('attached');
    second.ws.send(Buffer.alloc(300 * 1024, 0x61), { binary: true });
    expect((await second.closed).code).toBe(CloseCode.messageTooBig);

    const third = await gw.attach(sessionId);
    third.type('echo still-alive\r');
    await third.waitForOutput('still-alive');
    third.close();
  });

  it('refuses a changed host key, naming both fingerprints, until an admin accepts it', async () => {
    const oldFingerprint = sshd.hostKeyFingerprint;
    const newFingerprint = await sshd.rotateHostKey();
    const { client } = await gw.openTerminal(host.id);
    const error = await client.waitForMessage('error');
    expect(error.kind).toBe('host-key-changed');
    expect(error.message).toContain(oldFingerprint);
    expect(error.message).toContain(newFingerprint);
    expect(error.hostKey).toEqual({ pinned: { algorithm: 'ssh-ed25519', fingerprint: oldFingerprint }, presented: { algorithm: 'ssh-ed25519', fingerprint: newFingerprint } });

    const view = (await gw.api<HostView>('GET', `/api/hosts/${host.id}`)).body;
    expect(view.pendingHostKey?.fingerprint).toBe(newFingerprint);
    expect((await gw.api('POST', `/api/hosts/${host.id}/host-key/accept`, { fingerprint: oldFingerprint })).status).toBe(409);
    expect((await gw.api('POST', `/api/hosts/${host.id}/host-key/accept`, { fingerprint: newFingerprint })).status).toBe(200);

    const { client: after } = await gw.openTerminal(host.id, { trustHostKey: false });
    after.type('echo accepted\r');
    await after.waitForOutput('accepted');
    expect(after.messages.some((m) => m.type === 'hostkey')).toBe(false);
    after.close();
  });
});

describeLab('keyboard-interactive login answered by the person', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  let gw: TestGateway;
  beforeAll(async () => {
    sshd = await startSshd({ authenticationMethods: 'keyboard-interactive' });
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
  });

  it('relays the prompt to the browser and the answer to the host', async () => {
    const host = await gw.addHost({ name: 'kbd', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'keyboard-interactive' } });
    const { client } = await gw.openTerminal(host.id);
    const prompt = await client.waitForMessage('prompt');
    expect(prompt.prompts[0]?.prompt).toMatch(/password/i);
    expect(prompt.prompts[0]?.echo).toBe(false);
    client.send({ type: 'prompt-answer', answers: [sshd.password] });
    client.type('echo kbd-ok\r');
    await client.waitForOutput('kbd-ok');
    client.close();
    expect(gw.logText()).not.toContain(sshd.password);
  });
});
