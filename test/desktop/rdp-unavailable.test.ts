// A gateway without its RDP helper: RDP hosts say why they cannot open (the package to install), instead of failing at connect.
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import type { HostView } from '../../shared/api-types.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('RDP without its helper', () => {
  let gw: TestGateway;
  const saved = process.env.PORTHOLE_RDP_HELPER;
  beforeAll(async () => {
    process.env.PORTHOLE_RDP_HELPER = '/nonexistent/porthole-rdp';
    try {
      gw = await startTestGateway();
    } finally {
      if (saved === undefined) delete process.env.PORTHOLE_RDP_HELPER;
      else process.env.PORTHOLE_RDP_HELPER = saved;
    }
  });
  afterAll(() => gw?.close());

  it('shows RDP hosts as unavailable, naming the Debian package, and refuses to open them', async () => {
    const created = await gw.api<HostView>('POST', '/api/hosts', { name: 'win', protocol: 'rdp', address: '127.0.0.1', port: 3389, username: 'me', auth: { method: 'password', password: 'pw' }, rdp: { keyboardLayout: 'de-DE' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ protocol: 'rdp', canOpen: [], rdp: { keyboardLayout: 'de-DE', security: 'any', domain: '' } });
    expect(created.body.unavailable).toMatch(/freerdp2-dev/);
    const open = await gw.api<{ error: { code: string; message: string } }>('POST', '/api/sessions', { hostId: created.body.id });
    expect(open.status).toBe(409);
    expect(open.body.error.message).toMatch(/install the Debian package freerdp2-dev/);
    expect(gw.logText()).toContain('gateway.rdp_unavailable');
  });

  it('keeps RDP options to RDP hosts', async () => {
    const res = await gw.api('POST', '/api/hosts', { name: 'ssh-with-rdp', protocol: 'ssh', address: '127.0.0.1', username: 'me', auth: { method: 'password', password: 'pw' }, rdp: { keyboardLayout: 'de-DE' } });
    expect(res.status).toBe(400);
  });
});
