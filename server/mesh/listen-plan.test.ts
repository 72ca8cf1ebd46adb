// Bind rules: loopback only in local mode, Tailscale addresses plus loopback in tailnet mode, nothing else without the flag.
import { describe, expect, it } from 'vitest';
import { planListenAddresses, type ListenPlanInput } from './listen-plan.js';

const base: ListenPlanInput = { mode: 'local', listenHost: '127.0.0.1', listenExplicit: false, allowNonLoopbackBind: false, tailscaleIps: [] };
const tailnetIps = ['100.64.0.1', 'fd7a:115c:a1e0::1'];

describe('planListenAddresses', () => {
  it('local mode listens on loopback only', () => {
    expect(planListenAddresses(base)).toEqual([{ address: '127.0.0.1', kind: 'loopback' }]);
  });

  it('tailnet mode listens on loopback (for serve) and every Tailscale address, loopback first', () => {
    expect(planListenAddresses({ ...base, mode: 'tailnet', tailscaleIps: tailnetIps })).toEqual([
      { address: '127.0.0.1', kind: 'loopback' },
      { address: '100.64.0.1', kind: 'tailnet' },
      { address: 'fd7a:115c:a1e0::1', kind: 'tailnet' },
    ]);
  });

  it('ignores anything in status that is not a Tailscale or loopback IP address', () => {
    const reported = ['100.64.0.1/32', 'porthole', '0.0.0.0', '::', '192.168.1.5', '100.128.0.1', 'fd7a:115c:a1e1::1', '100.127.255.254', 'fd7a:115c:a1e0:ab12::9'];
    expect(planListenAddresses({ ...base, mode: 'tailnet', tailscaleIps: reported }).map((a) => a.address)).toEqual(['127.0.0.1', '100.127.255.254', 'fd7a:115c:a1e0:ab12::9']);
  });

  it.each<[string, Partial<ListenPlanInput>, string]>([
    ['a LAN address in local mode', { listenHost: '192.168.1.5' }, 'loopback only'],
    ['the wildcard in local mode', { listenHost: '0.0.0.0' }, 'loopback only'],
    ['a LAN address in tailnet mode', { mode: 'tailnet', tailscaleIps: tailnetIps, listenHost: '192.168.1.5' }, "loopback or this node's Tailscale addresses only"],
    ['another tailnet node\'s address', { mode: 'tailnet', tailscaleIps: tailnetIps, listenHost: '100.64.0.2' }, "Tailscale addresses only"],
  ])('refuses %s unless the flag is given', (_name, over, message) => {
    const input = { ...base, listenExplicit: true, ...over };
    expect(() => planListenAddresses(input)).toThrow(new RegExp(`refusing to listen on "${input.listenHost}".*${message}.*--unsafe-listen-beyond-loopback`));
    expect(planListenAddresses({ ...input, allowNonLoopbackBind: true })).toEqual([{ address: input.listenHost, kind: 'explicit' }]);
  });

  it('an explicit address that is this node\'s Tailscale address, or loopback, needs no flag', () => {
    expect(planListenAddresses({ ...base, mode: 'tailnet', tailscaleIps: tailnetIps, listenHost: '100.64.0.1', listenExplicit: true })).toEqual([{ address: '100.64.0.1', kind: 'tailnet' }]);
    expect(planListenAddresses({ ...base, mode: 'tailnet', tailscaleIps: tailnetIps, listenHost: '::1', listenExplicit: true })).toEqual([{ address: '::1', kind: 'loopback' }]);
  });
});
