// Where the gateway listens: loopback in local mode; the node's Tailscale addresses plus loopback in tailnet mode; never beyond without the flag.
import { isIP } from 'node:net';
import { isLoopbackAddress, UNSAFE_BIND_ENV, UNSAFE_BIND_FLAG } from '../config/config.js';
import { isTailscaleAddress } from './tailscale-addresses.js';

export interface ListenPlanInput {
  mode: 'local' | 'tailnet';
  /** The configured address and whether someone set it (flag, environment or file). */
  listenHost: string;
  listenExplicit: boolean;
  allowNonLoopbackBind: boolean;
  /** The node's Tailscale IPs from LocalAPI status (tailnet mode). */
  tailscaleIps: readonly string[];
}

export interface ListenAddress {
  address: string;
  /** tailnet addresses may be absent from every interface (userspace networking): that is not fatal. */
  kind: 'loopback' | 'tailnet' | 'explicit';
}

const LOOPBACK = '127.0.0.1';

/**
 * Loopback comes first so port 0 (tests) picks a port the other listeners then share. In tailnet mode
 * loopback stays for `tailscale serve`, which proxies to 127.0.0.1.
 */
export function planListenAddresses(input: ListenPlanInput): ListenAddress[] {
  // Whatever the socket answers, only a Tailscale (or loopback) address is ever bound: a fake or confused
  // daemon reporting 0.0.0.0 or a LAN address must not expose the gateway.
  const tailnet = input.tailscaleIps.filter((ip) => isIP(ip) !== 0 && (isTailscaleAddress(ip) || isLoopbackAddress(ip)));
  if (input.listenExplicit) {
    const address = input.listenHost;
    const safe = isLoopbackAddress(address) || (input.mode === 'tailnet' && tailnet.includes(address)) || input.allowNonLoopbackBind;
    if (!safe) {
      const where = input.mode === 'tailnet' ? 'loopback or this node\'s Tailscale addresses' : 'loopback';
      throw new Error(
        `refusing to listen on "${address}": Porthole listens on ${where} only unless you pass ${UNSAFE_BIND_FLAG} ` +
          `(or set ${UNSAFE_BIND_ENV}=1), which exposes the gateway to that whole network`,
      );
    }
    return [{ address, kind: isLoopbackAddress(address) ? 'loopback' : tailnet.includes(address) ? 'tailnet' : 'explicit' }];
  }
  if (input.mode === 'local') return [{ address: LOOPBACK, kind: 'loopback' }];
  return [{ address: LOOPBACK, kind: 'loopback' }, ...tailnet.filter((ip) => ip !== LOOPBACK).map((address) => ({ address, kind: 'tailnet' as const }))];
}
