// SSH sessions recorded as asciicast v2 against a real sshd: what is kept, what is not, and full-text search that finds the moment.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import type { AuditEventView, AuditPageView } from '../../shared/audit-types.js';
import type { RecordingSearchResult, RecordingView } from '../../shared/recording-types.js';
import { parseAsciicast } from '../../server/record/asciicast.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describeLab('ssh session recordings', sshdUnavailableReason(), () => {
  let sshd: LabSshd;
  let gw: TestGateway;

  beforeAll(async () => {
    sshd = await startSshd();
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.close();
    await sshd?.stop();
  });

  async function labHost(name: string, recording: { mode: 'off' | 'on' | 'required'; input?: boolean }): Promise<HostView> {
    return gw.addHost({ name, address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password }, recording });
  }

  /**
   * Runs commands in a recorded session, ends it, and returns its finished recording.
   * Each command is typed at a prompt (unless a step says the shell is not at one): typed
   * ahead, the tty echoes a line and readline then shows it again, so the screen, and
   * search, would hold the command twice.
   */
  async function recordSession(
    host: HostView,
    commands: { type: string; expect: string; atPrompt?: false }[],
    on: TestGateway = gw,
  ): Promise<{ view: RecordingView; text: string; sessionId: string }> {
    const { client, sessionId } = await on.openTerminal(host.id);
    // The person is told their session is recorded.
    await client.waitFor(() => client.messages.some((m) => m.type === 'recording' && m.active), 'the recording notice');
    // bash's prompt ends in "$ ", sometimes followed by an erase to the end of the line.
    const prompt = /[$#] (\x1b\[K)?$/;
    const atPrompt = (after: string) => prompt.test(client.output.slice(client.output.lastIndexOf(after) + after.length));
    await client.waitFor(() => prompt.test(client.output), 'the first prompt');
    for (const command of commands) {
      client.type(command.type);
      await client.waitForOutput(command.expect);
      if (command.atPrompt !== false) await client.waitFor(() => atPrompt(command.expect), `the prompt after ${command.expect}`);
    }
    expect((await on.api('DELETE', `/api/sessions/${sessionId}`)).status).toBe(204);
    client.close();
    let view: RecordingView | undefined;
    await expect
      .poll(async () => {
        const list = (await on.api<RecordingView[]>('GET', `/api/recordings?host=${host.id}`)).body;
        view = list.find((r) => r.sessionId === sessionId);
        return view?.state;
      })
      .toBe('complete');
    const res = await fetch(`${on.url}/api/recordings/${view!.id}/file`, { headers: { cookie: on.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-asciicast');
    return { view: view!, text: await res.text(), sessionId };
  }

  it('keeps the output with a Tailscale-compatible header, and no typed input by default', async () => {
    const host = await labHost('rec-output', { mode: 'on' });
    const { view, text, sessionId } = await recordSession(host, [
      { type: 'echo rec-$((20+22))-one\r', expect: 'rec-42-one' },
      // The prompt is split in the command so its echo cannot be mistaken for the prompt itself.
      { type: 'read -s -p "sec""ret? " s; echo; echo got-${#s}\r', expect: 'secret? ', atPrompt: false },
      { type: 'hunter2-typed\r', expect: 'got-13' },
    ]);
    expect(view).toMatchObject({ format: 'asciicast', protocol: 'ssh', hostName: 'rec-output', input: false, sealed: true, state: 'complete', user: { name: 'Owner' } });
    const cast = parseAsciicast(text);
    expect(cast.truncated).toBe(false);
    expect(cast.header).toMatchObject({ version: 2, width: 80, height: 24, sshUser: sshd.user, localUser: sshd.user, connectionID: sessionId, srcNodeUser: 'Owner' });
    expect(Math.abs(cast.header.timestamp * 1000 - view.startedAt)).toBeLessThan(2_000);
    const output = cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
    expect(output).toContain('rec-42-one');
    expect(output).toContain('got-13');
    // Not echoed by the host, not typed into the recording: the secret exists nowhere in the file.
    expect(text).not.toContain('hunter2');
    expect(cast.events.some((e) => e[1] === 'i')).toBe(false);
    const times = cast.events.map((e) => e[0]);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The index counts the file as stored: sealed, so larger than the text and none of it in the clear.
    const stored = readFileSync(gw.gateway.recordings.pathOf(`${view.id}.cast`));
    expect(view.bytes).toBe(stored.length);
    expect(stored.length).toBeGreaterThan(Buffer.byteLength(text));
    expect(stored.includes('rec-42-one')).toBe(false);

    // The audit log has the session: who, from where, the host key trusted on first use, the bytes, why it ended.
    let events: AuditEventView[] = [];
    await expect
      .poll(async () => {
        events = (await gw.api<AuditPageView>('GET', `/api/audit?session=${sessionId}`)).body.events;
        return events.map((e) => e.action).reverse();
      })
      .toEqual(['session.start', 'hostkey.trusted', 'session.end']);
    for (const e of events) expect(e).toMatchObject({ actor: { name: 'Owner', address: '127.0.0.1' }, hostName: 'rec-output', protocol: 'ssh' });
    const end = events.find((e) => e.action === 'session.end')!.detail;
    expect(end).toMatchObject({ reason: 'ended by its owner', user: sshd.user, recordingId: view.id });
    expect(end.bytesFromHost).toBeGreaterThan(Buffer.byteLength('rec-42-one'));
    expect(end.bytesToHost).toBe(Buffer.byteLength('echo rec-$((20+22))-one\rread -s -p "sec""ret? " s; echo; echo got-${#s}\rhunter2-typed\r'));
    expect(end.durationMs).toBeGreaterThan(0);
  });

  it('keeps typed input too when the host asks for it', async () => {
    const host = await labHost('rec-input', { mode: 'on', input: true });
    const { view, text } = await recordSession(host, [{ type: 'echo typed-$((6*7))\r', expect: 'typed-42' }]);
    expect(view.input).toBe(true);
    const typed = parseAsciicast(text).events.filter((e) => e[1] === 'i').map((e) => e[2]).join('');
    expect(typed).toContain('echo typed-$((6*7))\r');
  });

  it('records nothing for a host whose policy is off', async () => {
    const host = await labHost('rec-off', { mode: 'off' });
    const { client, sessionId } = await gw.openTerminal(host.id);
    client.type('echo unrecorded\r');
    await client.waitForOutput('unrecorded');
    expect(client.messages.some((m) => m.type === 'recording')).toBe(false);
    await gw.api('DELETE', `/api/sessions/${sessionId}`);
    client.close();
    expect((await gw.api<RecordingView[]>('GET', `/api/recordings?host=${host.id}`)).body).toEqual([]);
  });

  it('finds which session ran a command, and when', async () => {
    const host = await labHost('rec-search', { mode: 'on' });
    const { view, text } = await recordSession(host, [
      { type: 'echo before-$((1+1))-deed\r', expect: 'before-2-deed' },
      { type: 'rm -rf /tmp/porthole-search-target-$$ && echo deed-$((2+3))-done\r', expect: 'deed-5-done' },
    ]);
    const result = (await gw.api<RecordingSearchResult>('GET', `/api/recordings/search?q=${encodeURIComponent('rm -RF /tmp/porthole-search')}`)).body;
    const hits = result.hits.filter((h) => h.recording.id === view.id);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.line).toMatch(/rm -rf \/tmp\/porthole-search-target-\$\$ && echo deed-\$\(\(2\+3\)\)-done$/);
    expect(hits[0]!.stream).toBe('output');
    // The hit's moment is when the command line was finished: after the earlier echo, before its own output.
    const events = parseAsciicast(text).events;
    const before = events.find((e) => e[2].includes('before-2-deed'))![0];
    const done = events.find((e) => e[2].includes('deed-5-done'))![0];
    expect(hits[0]!.at).toBeGreaterThan(before);
    expect(hits[0]!.at).toBeLessThanOrEqual(done);
    // Other recordings do not match; a query that is nowhere finds nothing.
    expect(result.hits.every((h) => h.recording.hostName === 'rec-search')).toBe(true);
    expect((await gw.api<RecordingSearchResult>('GET', '/api/recordings/search?q=never-typed-anywhere')).body.hits).toEqual([]);
    expect((await gw.api('GET', '/api/recordings/search?q=x')).status).toBe(400);
  });

  it('answers a missing recording with 404, and deletes one (admin) with its file', async () => {
    expect((await gw.api('GET', '/api/recordings/does-not-exist')).status).toBe(404);
    expect((await gw.api('GET', '/api/recordings/does-not-exist/file')).status).toBe(404);
    const host = await labHost('rec-delete', { mode: 'on' });
    const { view } = await recordSession(host, [{ type: 'echo doomed\r', expect: 'doomed' }]);
    // HEAD answers without a body, and leaves no file open behind it (the gateway runs in this process).
    const path = gw.gateway.recordings.pathOf(`${view.id}.cast`);
    for (let i = 0; i < 5; i++) {
      const head = await fetch(`${gw.url}/api/recordings/${view.id}/file`, { method: 'HEAD', headers: { cookie: gw.cookie } });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    }
    const openOnRecording = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false; // closed meanwhile
      }
    }).length;
    await expect.poll(openOnRecording).toBe(0);
    expect((await gw.api('DELETE', `/api/recordings/${view.id}`)).status).toBe(204);
    expect((await gw.api('GET', `/api/recordings/${view.id}`)).status).toBe(404);
    expect((await gw.api('DELETE', `/api/recordings/${view.id}`)).status).toBe(404);
  });

  it('writes recordings in the clear when porthole.yaml says recordings.encrypt: false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porthole-plain-recordings-'));
    const plain = await startTestGateway({ recordings: { dir, maxAgeMs: 0, maxTotalBytes: 0, tailnetHosts: { mode: 'on', input: false }, encrypt: false } });
    try {
      const host = await plain.addHost({ name: 'rec-plain', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'password', password: sshd.password }, recording: { mode: 'on' } });
      const { view } = await recordSession(host, [{ type: 'echo plain-$((40+2))\r', expect: 'plain-42' }], plain);
      expect(view.sealed).toBe(false);
      const stored = readFileSync(join(dir, `${view.id}.cast`), 'utf8');
      expect(stored).toContain('plain-42');
      expect(parseAsciicast(stored).header.version).toBe(2);
    } finally {
      await plain.close();
    }
  });
});

describe('recordings API without recordings', () => {
  it('lists nothing on a fresh gateway', async () => {
    const gw = await startTestGateway();
    try {
      expect((await gw.api<RecordingView[]>('GET', '/api/recordings')).body).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});
