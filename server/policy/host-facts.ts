// What the policy knows about a host: its names and tags, for stored hosts and tailnet machines alike.
import type { TailnetPeer } from '../mesh/peer-directory.js';
import type { HostRecord } from '../store/types.js';
import { can, type HostFacts } from './can.js';
import { PROTOCOLS, type Permissions, type Protocol } from './grants.js';

/** Stored hosts are matched by their name; they have no tags. */
export function storedHostFacts(host: Pick<HostRecord, 'name'>): HostFacts {
  return { name: host.name, tags: [] };
}

/**
 * A tailnet machine is matched by its MagicDNS short name, its FQDN or its tags, as grants name machines.
 * Never by the OS hostname a machine reports about itself: without a MagicDNS name only tags match.
 */
export function peerFacts(peer: Pick<TailnetPeer, 'name' | 'dnsName' | 'tags'>): HostFacts {
  return peer.dnsName ? { name: peer.name, aliases: [peer.dnsName], tags: peer.tags } : { name: '', tags: peer.tags };
}

export function openableProtocols(permissions: Permissions, host: HostFacts, offered: readonly Protocol[] = PROTOCOLS): Protocol[] {
  return offered.filter((protocol) => can(permissions, { kind: 'connect', protocol }, host));
}
