// Recordings under failure: the gateway killed with SIGKILL mid-session, and a host that requires recording on a read-only disk.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import type { RecordingView } from '../../shared/recording-types.js';
import { createSecretBox, loadOrCreateSecretKey } from '../../server/crypto/secret-box.js';
import { parseAsciicast } from '../../server/record/asciicast.js';
import { openRecordingReader } from '../../server/record/recording-reader.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startGatewayChild, type GatewayChild } from '../support/gateway-child.js';

/** A read-only file system needs a private mount namespace: root, or user namespaces (unshare -r). */
function readOnlyMountUnavailable(): string | null {
  const probe = spawnSync('unshare', ['-rm', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o ro,size=1m porthole-probe /mnt'], { encoding: 'utf8' });
  if (probe.error) return 'needs unshare (Debian package util-linux)';
  return probe.status === 0 ? null : `needs root or user namespaces to mount a read-only tmpfs (unshare -rm: ${probe.stderr.trim()})`;
}

const reason = sshdUnavailableReason() ?? readOnlyMountUnavailable();

describeLab('recordings when things go wrong', reason, () => {
  let sshd: LabSshd;
  const gateways: GatewayChild[] = [];
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.kill('SIGKILL')));
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  async function start(args: string[], wrap?: string[]): Promise<GatewayChild> {
    const gateway = await startGatewayChild(args, { wrap });
    gateways.push(gateway);
    return gateway;
  }

  async function addHost(gw: GatewayChild, name: string, recording: { mode: 'on' | 'required' }): Promise<HostView> {
    const res = await gw.api<HostView>('POST', '/api/hosts', { name, address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password }, recording });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('keeps a readable recording, up to about a second before the kill, when the gateway is killed with SIGKILL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'porthole-crash-'));
    const gw = await start(['--data-dir', dataDir]);
    const host = await addHost(gw, 'crashy', { mode: 'on' });
    const { client } = await gw.openTerminal(host.id);
    client.type('for i in $(seq 1 400); do echo tick-$i; sleep 0.05; done\r');
    await client.waitForOutput(/tick-30\r\n/);
    // What the browser had seen when the gateway died: the recording must hold nearly all of it.
    const seen = Math.max(...[...client.output.matchAll(/tick-(\d+)\r\n/g)].map((m) => Number(m[1])));
    await gw.kill('SIGKILL');
    const files = readdirSync(join(dataDir, 'recordings'));
    expect(files).toHaveLength(1);
    // Sealed on disk (the default): none of the session in the clear; opened with the gateway's own key file.
    const path = join(dataDir, 'recordings', files[0]!);
    expect(readFileSync(path).includes('tick-1\r')).toBe(false);
    const cast = parseAsciicast(await text((await openRecordingReader(path, files[0]!, createSecretBox(loadOrCreateSecretKey(dataDir)), { sealed: true, finished: false })).stream));
    const output = cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    const kept = Math.max(...[...output.matchAll(/tick-(\d+)\r\n/g)].map((m) => Number(m[1])));
    // A tick every 50 ms at best (usually slower): twenty ticks is at least one second.
    expect(kept).toBeGreaterThanOrEqual(seen - 20);
    for (let i = 1; i <= kept; i++) expect(output).toContain(`tick-${i}\r\n`);

    // The next start finds the recording left open and keeps it as interrupted, served as it is.
    const again = await start(['--data-dir', dataDir]);
    const [view] = (await again.api<RecordingView[]>('GET', '/api/recordings')).body;
    expect(view).toMatchObject({ state: 'interrupted', hostName: 'crashy', endReason: 'the gateway stopped during the session' });
    const served = await fetch(`${again.url}/api/recordings/${view!.id}/file`, { headers: { cookie: again.cookie } });
    expect(view!.bytes).toBe(statSync(path).size);
    expect(parseAsciicast(await served.text()).events).toEqual(cast.events);
  });

  it('refuses a session that requires a recording when the recordings disk is read-only, and still opens one that does not', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'porthole-rofs-'));
    const recordings = mkdtempSync(join(tmpdir(), 'porthole-rofs-recordings-'));
    // The gateway runs in its own mount namespace where the recordings directory is a read-only tmpfs.
    const wrap = ['unshare', '-rm', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o ro,size=1m porthole-ro '${recordings}' && exec "$@"`, 'porthole-ro'];
    const gw = await start(['--data-dir', dataDir, '--recordings-dir', recordings], wrap);
    const strict = await addHost(gw, 'strict', { mode: 'required' });
    const { client } = await gw.openTerminal(strict.id);
    const error = await client.waitForMessage('error');
    expect(error.kind).toBe('recording-unavailable');
    expect(error.message).toBe('strict requires a recording, and the gateway cannot write one (the recordings directory is on a read-only file system), so the session was not started');
    expect(client.messages.some((m) => m.type === 'stage' && m.stage === 'ready')).toBe(false);
    await client.closed;
    expect((await gw.api<RecordingView[]>('GET', '/api/recordings')).body).toEqual([]);

    // "on" records when it can: here it cannot, so the session goes on unrecorded, and the gateway is fine.
    const lenient = await addHost(gw, 'lenient', { mode: 'on' });
    const second = await gw.openTerminal(lenient.id);
    second.client.type('echo still-$((40+2))\r');
    await second.client.waitForOutput('still-42');
    second.client.close();
  });
});
