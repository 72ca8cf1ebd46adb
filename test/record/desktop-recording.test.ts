// A VNC session (real Xvnc with the lab scene) recorded as a Guacamole instruction stream: replayed, it shows what the desktop showed, when.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView, SessionView } from '../../shared/api-types.js';
import { RECORDING_OPCODE } from '../../shared/guac-status.js';
import type { RecordingView } from '../../shared/recording-types.js';
import { parseInstructions, type Instruction } from '../../server/guac/instruction.js';
import { describeLab } from '../lab/availability.js';
import { SCENE, startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { GuacScreen } from '../share/guac-screen.js';

/** A point of bare root window, away from the xterm. */
const ROOT_POINT = { x: 20, y: 20 };
const RED: [number, number, number] = [0xcc, 0x33, 0x33];

/** The screen a recording shows after its frames up to (and including) the last sync at or before `until` ms. */
async function replay(instructions: Instruction[], until = Infinity): Promise<GuacScreen> {
  const last = instructions.findLastIndex((i) => i.opcode === 'sync' && Number(i.args[0]) <= until);
  const screen = new GuacScreen({ instructions: instructions.slice(0, last + 1) } as unknown as GuacTestClient);
  return screen.update();
}

describeLab('desktop session recordings', xvncUnavailableReason(), () => {
  let vnc: LabVnc;
  let gw: TestGateway;
  beforeAll(async () => {
    [vnc, gw] = await Promise.all([startXvnc({ security: 'None' }), startTestGateway()]);
  });
  afterAll(async () => {
    await gw?.close();
    await vnc?.stop();
  });

  it('replays the desktop as it was at each moment, with key and mouse events when the host keeps input', async () => {
    const host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'rec-desk', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'none' }, recording: { mode: 'on', input: true } })).body;
    const session = (await gw.api<SessionView>('POST', '/api/sessions', { hostId: host.id })).body;
    const owner = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=1024&height=768`, { cookie: gw.cookie, origin: gw.url });
    const screen = new GuacScreen(owner);
    await expect.poll(async () => (await screen.update()).pixel(ROOT_POINT.x, ROOT_POINT.y)).toEqual([...SCENE.root]);
    const recording = (await gw.api<RecordingView[]>('GET', `/api/recordings?host=${host.id}`)).body[0]!;
    expect(recording).toMatchObject({ format: 'guacamole', protocol: 'vnc', state: 'recording', input: true, sessionId: session.id });
    expect(owner.instructions.find((i) => i.opcode === RECORDING_OPCODE)?.args).toEqual(['1']);
    // The recording has its first frame on disk before the desktop changes.
    await expect.poll(async () => (await (await fetch(`${gw.url}/api/recordings/${recording.id}/file`, { headers: { cookie: gw.cookie } })).text()).includes('4.sync,')).toBe(true);

    const changedAt = Date.now();
    execFileSync('/usr/bin/xsetroot', ['-solid', '#cc3333'], { env: { ...process.env, DISPLAY: vnc.display } });
    await expect.poll(async () => (await screen.update()).pixel(ROOT_POINT.x, ROOT_POINT.y)).toEqual(RED);
    owner.send('mouse', 300, 200, 0);
    owner.send('key', 0xffe1, 1); // Shift: harmless to the scene
    owner.send('key', 0xffe1, 0);
    // A change after the input, so the recorder has a frame after it (and the session's end waits for none).
    execFileSync('/usr/bin/xsetroot', ['-solid', '#33cc33'], { env: { ...process.env, DISPLAY: vnc.display } });
    await expect.poll(async () => (await screen.update()).pixel(ROOT_POINT.x, ROOT_POINT.y)).toEqual([0x33, 0xcc, 0x33]);

    expect((await gw.api('DELETE', `/api/sessions/${session.id}`)).status).toBe(204);
    await expect.poll(async () => (await gw.api<RecordingView>('GET', `/api/recordings/${recording.id}`)).body.state).toBe('complete');
    const text = await (await fetch(`${gw.url}/api/recordings/${recording.id}/file`, { headers: { cookie: gw.cookie } })).text();
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true); // ASCII only: the player slices it by UTF-16 offsets
    const instructions = parseInstructions(text);
    expect(instructions[0]).toMatchObject({ opcode: 'size', args: ['0', '1024', '768'] });
    const syncs = instructions.filter((i) => i.opcode === 'sync').map((i) => Number(i.args[0]));
    expect(syncs.length).toBeGreaterThanOrEqual(3);
    expect([...syncs].sort((a, b) => a - b)).toEqual(syncs);
    // Wall-clock timestamps: the recording can be matched against the audit log.
    expect(Math.abs(syncs[0]! - recording.startedAt)).toBeLessThan(10_000);

    expect((await replay(instructions, changedAt - 1)).pixel(ROOT_POINT.x, ROOT_POINT.y)).toEqual([...SCENE.root]);
    expect((await replay(instructions)).pixel(ROOT_POINT.x, ROOT_POINT.y)).toEqual([0x33, 0xcc, 0x33]);
    const reds = await Promise.all(syncs.map(async (ts) => (await replay(instructions, ts)).pixel(ROOT_POINT.x, ROOT_POINT.y)));
    expect(reds).toContainEqual(RED);

    const key = instructions.find((i) => i.opcode === 'key');
    expect(key?.args.slice(0, 2)).toEqual([String(0xffe1), '1']);
    expect(Number(key?.args[2])).toBeGreaterThanOrEqual(changedAt);
    expect(instructions.find((i) => i.opcode === 'mouse')?.args.slice(0, 3)).toEqual(['300', '200', '0']);
    owner.ws.close();
  });

  it('keeps no key or mouse events by default', async () => {
    const host = (await gw.api<HostView>('POST', '/api/hosts', { name: 'rec-desk-quiet', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'none' } })).body;
    expect(host.recording).toEqual({ mode: 'on', input: false });
    const session = (await gw.api<SessionView>('POST', '/api/sessions', { hostId: host.id })).body;
    const owner = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=1024&height=768`, { cookie: gw.cookie, origin: gw.url });
    await owner.waitFor((l) => l.some((i) => i.opcode === 'sync'), 'the first frame');
    owner.send('mouse', 10, 10, 0);
    owner.send('key', 0xffe1, 1);
    owner.send('key', 0xffe1, 0);
    expect((await gw.api('DELETE', `/api/sessions/${session.id}`)).status).toBe(204);
    const [recording] = (await gw.api<RecordingView[]>('GET', `/api/recordings?host=${host.id}`)).body;
    await expect.poll(async () => (await gw.api<RecordingView>('GET', `/api/recordings/${recording!.id}`)).body.state).toBe('complete');
    const text = await (await fetch(`${gw.url}/api/recordings/${recording!.id}/file`, { headers: { cookie: gw.cookie } })).text();
    const opcodes = new Set(parseInstructions(text).map((i) => i.opcode));
    expect(opcodes.has('key') || opcodes.has('mouse')).toBe(false);
    owner.ws.close();
  });
});
