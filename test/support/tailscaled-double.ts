// A contract double of tailscaled's LocalAPI (whois, status) on a unix socket, built from docs/tailscale.md's shapes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DoubleUser {
  /** Numeric user ID; bigint because real ones exceed 2^53 and are written as raw JSON numbers. */
  id: bigint;
  loginName: string;
  displayName: string;
  profilePicUrl?: string;
}

export interface DoubleNode {
  id: bigint;
  stableId: string;
  /** MagicDNS FQDN with its trailing dot, e.g. "alice-mbp.tail1234.ts.net.". */
  name: string;
  hostName: string;
  os: string;
  /** Bare tailnet IPs; whois finds the node by any of them. */
  addresses: string[];
  /** Absent for tagged nodes, which whois reports as the tagged-devices profile. */
  user?: DoubleUser;
  tags?: string[];
  /** App capabilities whois reports for this node as the caller; absent or empty is written as null. */
  capMap?: Record<string, unknown[]>;
  online?: boolean;
  lastSeen?: string;
}

export interface TailscaledDoubleOptions {
  self: DoubleNode;
  peers: DoubleNode[];
  /** 'old' is a pre-1.94 daemon: extra fields, and it does not unmap ::ffff: addresses. */
  daemonVersion?: 'current' | 'old';
  /** Accept connections and never answer. */
  hang?: boolean;
  /** Answer whois with 403 access denied. */
  deny?: boolean;
  /** Status's BackendState; default "Running" ("NeedsLogin" is a daemon nobody has logged in). */
  backendState?: string;
  /**
   * Connections tailscaled knows by ip:port rather than by IP, as it does for netstack-forwarded and
   * `tailscale serve` connections: keyed "ip:port", the StableID of the node behind it. Tests register
   * the local port of a proxy's outgoing connection here to make a browser context a tailnet node.
   */
  connections?: Map<string, string>;
}

export interface TailscaledDouble {
  socketPath: string;
  /** Mutable: a test may flip hang or deny between requests. */
  options: TailscaledDoubleOptions;
  /** Every request received, including refused ones. */
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export const TAGGED_DEVICES: DoubleUser = { id: 2147455555n, loginName: 'tagged-devices', displayName: 'Tagged Devices' };
const ZERO_TIME = '0001-01-01T00:00:00Z';
const VERSIONS = { current: '1.103.0-t1a2b3c4d5-g6e7f8a9b0', old: '1.80.3-tdeadbeef-gcafef00d' } as const;

// JSON.stringify cannot write a bigint as a bare number; mark it, then unquote it after stringifying.
const RAW = '@raw-number@';
const raw = (n: bigint): string => `${RAW}${n}`;
function tabJson(value: unknown): string {
  return `${JSON.stringify(value, null, '\t').replace(new RegExp(`"${RAW}(\\d+)"`, 'g'), '$1')}\n`;
}

const userOf = (n: DoubleNode): DoubleUser => n.user ?? TAGGED_DEVICES;
const prefix = (ip: string): string => `${ip}/${isIP(ip) === 6 ? 128 : 32}`;
const nodeKey = (n: DoubleNode): string => `nodekey:${Buffer.from(n.stableId).toString('hex').padEnd(64, '0').slice(0, 64)}`;

function whoisBody(n: DoubleNode, old: boolean): unknown {
  const u = userOf(n);
  return {
    Node: {
      ID: raw(n.id),
      StableID: n.stableId,
      Name: n.name,
      User: raw(u.id),
      Key: nodeKey(n),
      ...(old ? { KeyExpiry: ZERO_TIME, Machine: 'mkey:00ab', DiscoKey: 'discokey:00cd' } : {}),
      Addresses: n.addresses.map(prefix),
      ...(old ? { AllowedIPs: n.addresses.map(prefix) } : {}),
      Hostinfo: { OS: n.os, Hostname: n.hostName },
      ...(old ? { Created: '2025-03-01T10:00:00Z' } : {}),
      ...(n.tags?.length ? { Tags: n.tags } : {}),
      Online: n.online ?? true,
      ComputedName: n.name.split('.')[0],
      ComputedNameWithHost: `${n.name.split('.')[0]} (${n.hostName})`,
    },
    UserProfile: {
      ID: raw(u.id),
      LoginName: u.loginName,
      DisplayName: u.displayName,
      ...(old ? { ProfilePicURL: u.profilePicUrl ?? '', Roles: [] } : u.profilePicUrl ? { ProfilePicURL: u.profilePicUrl } : {}),
    },
    CapMap: n.capMap && Object.keys(n.capMap).length > 0 ? n.capMap : null,
  };
}

function peerStatus(n: DoubleNode, isSelf: boolean): Record<string, unknown> {
  return {
    ID: n.stableId,
    PublicKey: nodeKey(n),
    HostName: n.hostName,
    DNSName: n.name,
    OS: n.os,
    UserID: raw(userOf(n).id),
    TailscaleIPs: n.addresses,
    ...(n.tags?.length ? { Tags: n.tags } : {}),
    AllowedIPs: n.addresses.map(prefix),
    Addrs: null,
    CurAddr: '',
    Relay: 'fra',
    RxBytes: 0,
    TxBytes: 0,
    Created: '2025-03-01T10:00:00Z',
    LastWrite: ZERO_TIME,
    LastSeen: n.lastSeen ?? ZERO_TIME,
    LastHandshake: ZERO_TIME,
    Online: n.online ?? true,
    ExitNode: false,
    ExitNodeOption: false,
    Active: false,
    InNetworkMap: true,
    InMagicSock: !isSelf,
    InEngine: !isSelf,
    ...(isSelf ? { CapMap: { funnel: null, 'https://tailscale.com/cap/funnel-ports?ports=443,8443,10000': null } } : {}),
  };
}

function statusBody(o: TailscaledDoubleOptions, withPeers: boolean): unknown {
  const suffix = o.self.name.split('.').slice(1).join('.').replace(/\.$/, '');
  const everyone = [o.self, ...o.peers];
  return {
    Version: VERSIONS[o.daemonVersion ?? 'current'],
    TUN: false,
    BackendState: o.backendState ?? 'Running',
    HaveNodeKey: true,
    AuthURL: '',
    TailscaleIPs: o.self.addresses,
    Self: peerStatus(o.self, true),
    Health: null,
    MagicDNSSuffix: suffix,
    CurrentTailnet: { Name: 'example.com', MagicDNSSuffix: suffix, MagicDNSEnabled: true },
    CertDomains: [o.self.name.replace(/\.$/, '')],
    Peer: withPeers ? Object.fromEntries(o.peers.map((p) => [nodeKey(p), peerStatus(p, false)])) : null,
    User: Object.fromEntries(everyone.map((n) => [String(userOf(n).id), { ID: raw(userOf(n).id), LoginName: userOf(n).loginName, DisplayName: userOf(n).displayName }])),
    ClientVersion: null,
  };
}

/** The IP inside whois's addr (bare IP, IP:port or [v6]:port), or null when Go's netip would reject it. */
function addrIp(addr: string): string | null {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(addr) ?? /^([^:\]]+):(\d{1,5})$/.exec(addr);
  if (m) return isIP(m[1]!) && Number(m[2]) <= 65535 ? m[1]! : null;
  return isIP(addr) ? addr : null;
}

/** The port inside whois's addr, or '' for a bare IP. */
function addrPort(addr: string): string {
  return (/^\[[^\]]+\]:(\d{1,5})$/.exec(addr) ?? /^[^:\]]+:(\d{1,5})$/.exec(addr))?.[1] ?? '';
}

export async function startTailscaledDouble(options: TailscaledDoubleOptions): Promise<TailscaledDouble> {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-tsd-'));
  const socketPath = join(dir, 'tailscaled.sock');
  const requests: TailscaledDouble['requests'] = [];
  const double: TailscaledDouble = { socketPath, options, requests, close };

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type, 'Tailscale-Version': VERSIONS[double.options.daemonVersion ?? 'current'], 'X-Content-Type-Options': 'nosniff' });
    res.end(type.startsWith('text/plain') ? `${body}\n` : body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const o = double.options;
    if (o.hang) return;
    if (req.headers.host !== 'local-tailscaled.sock') return send(res, 403, 'invalid localapi Host header');
    if (req.headers.origin !== undefined || req.headers.referer !== undefined) return send(res, 403, 'invalid localapi request');
    const url = new URL(req.url ?? '/', 'http://local-tailscaled.sock');
    if (req.method !== 'GET') return send(res, 405, 'want GET');
    if (url.pathname === '/localapi/v0/status') return send(res, 200, tabJson(statusBody(o, url.searchParams.get('peers') !== 'false')), 'application/json');
    if (url.pathname !== '/localapi/v0/whois') return send(res, 404, '404 page not found');
    if (o.deny) return send(res, 403, 'whois access denied');
    const addr = url.searchParams.get('addr');
    if (!addr) return send(res, 400, "missing 'addr' parameter");
    const given = addrIp(addr);
    if (given === null) return send(res, 400, "invalid 'addr' parameter");
    // Current daemons unmap ::ffff:a.b.c.d; before v1.102 the mapped form simply matches no node.
    const ip = o.daemonVersion === 'old' ? given : given.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    const everyone = [o.self, ...o.peers];
    const byConnection = o.connections?.get(`${ip}:${addrPort(addr)}`);
    const node = byConnection !== undefined ? everyone.find((n) => n.stableId === byConnection) : everyone.find((n) => n.addresses.some((a) => a.toLowerCase() === ip.toLowerCase()));
    if (!node) return send(res, 404, 'no match for IP:port');
    send(res, 200, tabJson(whoisBody(node, o.daemonVersion === 'old')), 'application/json');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });

  function close(): Promise<void> {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => (rmSync(dir, { recursive: true, force: true }), resolve())));
  }
  return double;
}
