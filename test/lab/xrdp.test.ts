// Self-tests of the xrdp lab: FreeRDP's own client (xfreerdp under Xvfb) logs in, is refused, or trips AUTHFAIL.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeLab } from './availability.js';
import { spawnDaemon, type Daemon } from './processes.js';
import { startXrdp, xrdpUnavailableReason, type LabXrdp } from './xrdp.js';

const XFREERDP = '/usr/bin/xfreerdp';
const XVFB = '/usr/bin/Xvfb';

function unavailableReason(): string | null {
  if (!existsSync(XFREERDP)) return `needs the Debian package freerdp2-x11 (no ${XFREERDP})`;
  if (!existsSync(XVFB)) return `needs the Debian package xvfb (no ${XVFB})`;
  return xrdpUnavailableReason();
}

/** An Xvfb for xfreerdp's window, on the first free display (-displayfd), never a fixed number. */
async function startXvfb(): Promise<{ display: string; daemon: Daemon }> {
  const daemon = spawnDaemon('Xvfb', XVFB, ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp']);
  const display = await new Promise<string>((resolve, reject) => {
    let printed = '';
    daemon.child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /^(\d+)\n/.exec(printed);
      if (match) resolve(`:${match[1]}`);
    });
    void daemon.exited.then((how) => reject(new Error(`Xvfb exited (${how}); its output:\n${daemon.output()}`)));
  });
  return { display, daemon };
}

/** "ab12..." -> "ab:12:...", the form FreeRDP compares /cert:fingerprint against. */
const colonHex = (hex: string) => hex.match(/../g)!.join(':');

describeLab('lab xrdp', unavailableReason(), () => {
  let tls: LabXrdp;
  let rdp: LabXrdp;
  let xvfb: { display: string; daemon: Daemon };
  const clients: { child: ChildProcess; output: () => string }[] = [];

  /** xfreerdp with the password on stdin (/from-stdin:force), not in its argv where ps shows it. */
  function xfreerdp(lab: LabXrdp, password: string, extra: string[]) {
    const child = spawn(XFREERDP, [
      `/v:${lab.host}:${lab.port}`, `/u:${lab.user}`, '/from-stdin:force', `/size:${lab.width}x${lab.height}`, '/log-level:WARN', ...extra,
    ], { env: { ...process.env, DISPLAY: xvfb.display }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(`${password}\n`);
    const client = { child, output: () => output };
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    // Two labs at once, as parallel test files would have them: each must reach its own sesman.
    [tls, rdp, xvfb] = await Promise.all([startXrdp({ security: 'tls' }), startXrdp({ security: 'rdp' }), startXvfb()]);
  });
  afterEach(async () => {
    for (const { child } of clients.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
  afterAll(async () => {
    await Promise.all([tls?.stop(), rdp?.stop(), xvfb?.daemon.stop()]);
  });

  it('runs two labs side by side on their own ports', () => {
    expect(tls.port).not.toBe(rdp.port);
    expect(tls.certificateFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(tls.certificateFingerprint).not.toBe(rdp.certificateFingerprint);
  });

  it('logs in over TLS pinned to certificateFingerprint and starts the scene session', async () => {
    const client = xfreerdp(tls, tls.password, ['/sec:tls', `/cert:deny,fingerprint:sha256:${colonHex(tls.certificateFingerprint)}`]);
    await expect.poll(() => tls.sessions(), { timeout: 30_000, message: `no session; xfreerdp said:\n${client.output()}\n${tls.sesmanLog()}` }).toHaveLength(1);
    await expect.poll(() => existsSync(tls.typedFile), { message: 'the scene xterm did not start' }).toBe(true);
    expect(tls.authFailures()).toBe(0);
    expect(rdp.sessions()).toEqual([]); // the other lab's sesman saw nothing of it
  });

  it('is refused by a client that pins another certificate', async () => {
    const client = xfreerdp(tls, tls.password, ['/sec:tls', `/cert:deny,fingerprint:sha256:${colonHex('00'.repeat(32))}`]);
    await expect.poll(() => client.child.exitCode, { timeout: 20_000 }).not.toBeNull();
    expect(client.child.exitCode).not.toBe(0);
  });

  it('logs a wrong password as AUTHFAIL in sesman.log', async () => {
    const before = tls.authFailures();
    xfreerdp(tls, 'not-the-password', ['/sec:tls', '/cert:ignore']);
    // xrdp keeps the client connected and shows its login dialog: sesman.log is the only verdict.
    await expect.poll(() => tls.authFailures(), { timeout: 30_000 }).toBe(before + 1);
    expect(tls.sesmanLog()).toMatch(/AUTHFAIL: user=porthole-lab/);
  });

  it('logs in with standard RDP security on the second lab', async () => {
    const client = xfreerdp(rdp, rdp.password, ['/sec:rdp', '/cert:ignore']);
    await expect.poll(() => rdp.sessions(), { timeout: 30_000, message: `no session; xfreerdp said:\n${client.output()}\n${rdp.xrdpLog()}` }).toHaveLength(1);
    await expect.poll(() => existsSync(rdp.typedFile)).toBe(true);
    expect(rdp.xrdpLog()).toMatch(/Non-TLS connection established .* security level : fips/);
  });
});
