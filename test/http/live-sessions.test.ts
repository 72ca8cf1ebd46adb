// Admin oversight of live sessions in tailnet mode against real sshd (and Xvnc): list everyone's, watch read-only in plain sight, end with a reason.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { CloseCode } from '../../shared/close-codes.js';
import { GuacStatus, ROLE_OPCODE, VIEWERS_OPCODE } from '../../shared/guac-status.js';
import type { LiveSessionView } from '../../shared/recording-types.js';
import type { SessionViewerInfo } from '../../shared/share-types.js';
import { describeLab } from '../lab/availability.js';
import { sshdUnavailableReason, startSshd, type LabSshd } from '../lab/sshd.js';
import { startXvnc, xvncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { ACCESS_RULES, addHostAsAdmin, NODES, startTailnetGateway, type NodeName, type TailnetGateway } from '../support/tailnet-gateway.js';
import { TerminalClient } from '../support/terminal-client.js';

describeLab('admins oversee live sessions', sshdUnavailableReason() ?? xvncUnavailableReason(), () => {
  let sshd: LabSshd;
  let vnc: LabVnc;
  let tg: TailnetGateway;
  let lab: HostView;
  let desk: HostView;

  beforeAll(async () => {
    [sshd, vnc] = await Promise.all([startSshd(), startXvnc({ security: 'None' })]);
    // Bob may open the stored SSH host too, so two different people have sessions on it.
    tg = await startTailnetGateway({ access: [...ACCESS_RULES, { logins: ['bob@example.com'], role: 'operator', hosts: ['lab-ssh', 'desk'], protocols: ['ssh', 'vnc'] }] });
    lab = await addHostAsAdmin(tg, { name: 'lab-ssh', address: sshd.host, port: sshd.port, username: sshd.user, auth: { method: 'key', privateKey: sshd.privateKey } });
    desk = await addHostAsAdmin(tg, { name: 'desk', protocol: 'vnc', address: vnc.host, port: vnc.port, auth: { method: 'none' } });
  });
  afterAll(async () => {
    await tg?.close();
    await Promise.all([sshd?.stop(), vnc?.stop()]);
  });

  const wsUrl = (path: string) => `${tg.url.replace('http', 'ws')}${path}`;
  const watchTerminal = (who: NodeName, sessionId: string) =>
    TerminalClient.open({ url: wsUrl(`/api/sessions/${sessionId}/terminal?cols=80&rows=24&watch=1`), headers: { origin: tg.url }, localAddress: NODES[who].addresses[0] });
  const latestViewers = (client: TerminalClient) => client.messages.filter((m) => m.type === 'viewers').at(-1)?.viewers ?? [];

  async function readyTerminal(who: NodeName, marker: string) {
    const opened = await tg.as(who).openTerminal(lab.id);
    opened.client.type(`cd /tmp && echo ${marker}-$((40+2))\r`);
    await opened.client.waitForOutput(`${marker}-42`);
    return opened;
  }

  it('lists every live session with its owner to an admin, and to nobody else', async () => {
    const alice = await readyTerminal('alice', 'alice-ready');
    const bob = await readyTerminal('bob', 'bob-ready');
    try {
      const res = await tg.as('admin').request<LiveSessionView[]>('GET', '/api/sessions/live');
      expect(res.status).toBe(200);
      const byId = new Map(res.body.map((s) => [s.id, s]));
      expect(byId.get(alice.sessionId)).toMatchObject({
        hostId: lab.id, hostName: 'lab-ssh', protocol: 'ssh', stage: 'ready', viewers: 1, recordingId: tg.gateway.sessions.get(alice.sessionId)!.recordingId,
        owner: { principal: 'login:alice@example.com', name: 'Alice Example', device: 'alice-mbp.tail1234.ts.net' },
      });
      expect(byId.get(bob.sessionId)?.owner).toEqual({ principal: 'login:bob@example.com', name: 'Bob Builder', device: 'bobs-phone.tail1234.ts.net', address: '127.0.0.3' });
      // Everyone else keeps seeing only their own.
      const forAlice = await tg.as('alice').request<{ error: { code: string } }>('GET', '/api/sessions/live');
      expect(forAlice.status).toBe(403);
      expect(forAlice.body.error.code).toBe('forbidden');
      expect((await tg.as('alice').request<{ id: string }[]>('GET', '/api/sessions')).body.map((s) => s.id)).toEqual([alice.sessionId]);
    } finally {
      await tg.as('alice').request('DELETE', `/api/sessions/${alice.sessionId}`);
      await tg.as('bob').request('DELETE', `/api/sessions/${bob.sessionId}`);
    }
  });

  it('refuses a non-admin who tries to watch or end another person\'s session exactly like a missing one', async () => {
    const bob = await readyTerminal('bob', 'bob-alone');
    try {
      const end = await tg.as('alice').request('DELETE', `/api/sessions/${bob.sessionId}`);
      const missing = await tg.as('alice').request('DELETE', '/api/sessions/00000000-0000-4000-8000-000000000000');
      expect(end.status).toBe(404);
      expect(end.body).toEqual(missing.body);

      const watch = await watchTerminal('alice', bob.sessionId);
      const watchMissing = await watchTerminal('alice', '00000000-0000-4000-8000-000000000000');
      const [refused, refusedMissing] = await Promise.all([watch.closed, watchMissing.closed]);
      expect(refused.code).toBe(CloseCode.sessionNotFound);
      expect(refused).toEqual(refusedMissing);
      expect(watch.output).toBe('');
      // Nor does a plain attach (as if owner) get anywhere; Bob's session runs on, alone.
      const attach = await TerminalClient.open({ url: wsUrl(`/api/sessions/${bob.sessionId}/terminal?cols=80&rows=24`), headers: { origin: tg.url }, localAddress: NODES.alice.addresses[0] });
      expect((await attach.closed).code).toBe(CloseCode.sessionNotFound);
      expect(tg.gateway.sessions.get(bob.sessionId)?.viewerList().map((v) => v.name)).toEqual(['Bob Builder']);
    } finally {
      await tg.as('bob').request('DELETE', `/api/sessions/${bob.sessionId}`);
    }
  });

  it('lets an admin watch an SSH session read-only, in the owner\'s viewer list, and end it with a reason the owner sees', async () => {
    const { client: owner, sessionId } = await readyTerminal('alice', 'watched');
    const watcher = await watchTerminal('admin', sessionId);
    // The current screen at once, at the owner's size, as a read-only seat.
    await watcher.waitForOutput('watched-42');
    expect(watcher.messages.find((m) => m.type === 'attached')).toMatchObject({ role: 'view', restored: true });
    // Never secret: the owner's list names the admin as a watcher.
    await owner.waitFor(() => latestViewers(owner).some((v) => v.name === 'Ada Admin' && v.role === 'view' && v.linkId === null), 'the admin in the viewer list');
    expect((await tg.as('admin').request<LiveSessionView[]>('GET', '/api/sessions/live')).body.find((s) => s.id === sessionId)?.viewers).toBe(2);

    const marker = `/tmp/porthole-admin-watch-${process.pid}-${Date.now()}`;
    watcher.type(`touch ${marker}-admin\r`);
    owner.type(`touch ${marker}-owner; ls ${marker}-* ; echo checked-$((2+3))\r`);
    await owner.waitForOutput('checked-5');
    await watcher.waitForOutput('checked-5');
    expect(existsSync(`${marker}-owner`)).toBe(true);
    expect(existsSync(`${marker}-admin`)).toBe(false);
    expect(tg.logText()).toContain('"event":"session.watch_started"');

    const ended = await tg.as('admin').request('DELETE', `/api/sessions/${sessionId}`);
    expect(ended.status).toBe(204);
    expect(await owner.closed).toEqual({ code: CloseCode.sessionEnded, reason: 'ended by an admin (Ada Admin)' });
    expect((await watcher.closed).code).toBe(CloseCode.sessionEnded);
    expect(tg.gateway.sessions.get(sessionId)).toBeUndefined();
    expect((await tg.as('admin').request<LiveSessionView[]>('GET', '/api/sessions/live')).body.some((s) => s.id === sessionId)).toBe(false);
  });

  it('lets an admin watch a desktop read-only, seen by the owner, and end it', async () => {
    const created = await tg.as('bob').request<{ id: string }>('POST', '/api/sessions', { body: { hostId: desk.id } });
    expect(created.status).toBe(201);
    const sessionId = created.body.id;
    const owner = await GuacTestClient.open(wsUrl(`/api/sessions/${sessionId}/desktop?width=800&height=600`), { origin: tg.url }, NODES.bob.addresses[0]);
    await owner.waitFor((l) => l.some((i) => i.opcode === 'size'), 'the owner\'s first frame');
    // Alice is no admin: her watch is refused like a missing session.
    const nosy = await GuacTestClient.open(wsUrl(`/api/sessions/${sessionId}/desktop?watch=1&width=800&height=600`), { origin: tg.url }, NODES.alice.addresses[0]);
    expect((await nosy.closed).reason).toBe(String(GuacStatus.resourceNotFound));

    const watcher = await GuacTestClient.open(wsUrl(`/api/sessions/${sessionId}/desktop?watch=1&width=800&height=600`), { origin: tg.url }, NODES.admin.addresses[0]);
    await watcher.waitFor((l) => l.some((i) => i.opcode === ROLE_OPCODE && i.args[0] === 'view'), 'the view role');
    await watcher.waitFor((l) => l.some((i) => i.opcode === 'size'), 'the watcher\'s first frame');
    await owner.waitFor((l) => {
      const last = l.filter((i) => i.opcode === VIEWERS_OPCODE).at(-1);
      return !!last && (JSON.parse(last.args[0]!) as SessionViewerInfo[]).some((v) => v.name === 'Ada Admin' && v.role === 'view');
    }, 'the admin in the viewer list');

    expect((await tg.as('admin').request('DELETE', `/api/sessions/${sessionId}`)).status).toBe(204);
    await owner.waitFor((l) => l.some((i) => i.opcode === 'error' && i.args[0] === 'ended by an admin (Ada Admin)'), 'the admin reason');
    await owner.closed;
    await watcher.closed;
    expect(tg.gateway.desktops.get(sessionId)).toBeUndefined();
  });
});
