// Which addresses can be a node's own Tailscale addresses: the CGNAT range and the tailnet's IPv6 prefix (tailscale.md, Addressing).
import { BlockList } from 'node:net';

const TAILSCALE_RANGES = new BlockList();
TAILSCALE_RANGES.addSubnet('100.64.0.0', 10, 'ipv4');
TAILSCALE_RANGES.addSubnet('fd7a:115c:a1e0::', 48, 'ipv6');

/** True for 100.64.0.0/10 and fd7a:115c:a1e0::/48; anything else is not a Tailscale address, whatever a daemon says. */
export function isTailscaleAddress(ip: string): boolean {
  if (ip.includes(':')) return TAILSCALE_RANGES.check(ip, 'ipv6');
  return TAILSCALE_RANGES.check(ip, 'ipv4');
}
