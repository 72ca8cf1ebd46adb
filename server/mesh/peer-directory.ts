// The tailnet's machines as hosts: peers (and this node) from LocalAPI status, cached briefly, looked up by "ts:<StableID>".
import { isIP } from 'node:net';
import type { PeerView } from '../../shared/api-types.js';
import { TAILNET_HOST_ID_PREFIX } from '../store/host-keys.js';
import type { LocalApiClient } from './localapi-client.js';
import type { PeerStatus } from './types.js';

/** A machine of the tailnet as the API shows it, before the caller's rights and its pinned key are added. */
export type TailnetPeer = Omit<PeerView, 'canOpen' | 'hostKey' | 'pendingHostKey'>;

function toPeer(p: PeerStatus, isSelf: boolean): TailnetPeer {
  return {
    id: `${TAILNET_HOST_ID_PREFIX}${p.stableId}`,
    name: p.dnsName.split('.')[0] || p.hostName,
    dnsName: p.dnsName,
    hostName: p.hostName,
    addresses: p.tailscaleIps,
    os: p.os,
    online: isSelf || p.online,
    lastSeen: p.lastSeen,
    tags: p.tags,
    isSelf,
  };
}

/** The address to dial: IPv4 first (every tailnet node has one), so no DNS is needed to reach a peer. */
export function dialAddress(peer: TailnetPeer): string | undefined {
  return peer.addresses.find((a) => isIP(a) === 4) ?? peer.addresses[0];
}

export class PeerDirectory {
  private cached: { at: number; peers: Promise<TailnetPeer[]> } | undefined;

  constructor(
    private readonly client: LocalApiClient,
    /** A page load lists hosts and then opens one: one status call should serve both. */
    private readonly ttlMs = 3_000,
    private readonly now: () => number = Date.now,
  ) {}

  list(): Promise<TailnetPeer[]> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.peers;
    const peers = this.client.status().then((status) => {
      const all = [...(status.self ? [toPeer(status.self, true)] : []), ...status.peers.filter((p) => p.stableId).map((p) => toPeer(p, false))];
      return all.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
    });
    const entry = { at: this.now(), peers };
    this.cached = entry;
    peers.catch(() => {
      if (this.cached === entry) this.cached = undefined; // a failure is not remembered
    });
    return peers;
  }

  async get(id: string): Promise<TailnetPeer | undefined> {
    return (await this.list()).find((p) => p.id === id);
  }
}
