// An in-process gateway in tailnet mode against the tailscaled double, with a cast of nodes and requests made *as* a node.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSRF_HEADER, type CreateHostRequest, type HostView } from '../../shared/api-types.js';
import type { AccessRule } from '../../server/config/config-file.js';
import { embeddedConfig, type GatewayConfig } from '../../server/config/config.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import type { ProbePorts } from '../../server/mesh/port-probe.js';
import { startTailscaledDouble, type DoubleNode, type TailscaledDouble } from './tailscaled-double.js';
import { capturedLog, hostsFileLookup } from './test-gateway.js';
import { TerminalClient } from './terminal-client.js';

export const CAPABILITY = 'example.com/cap/porthole';

let nextId = 7000000000000000100n;
function node(shortName: string, address: string, over: Partial<DoubleNode>): DoubleNode {
  nextId += 1n;
  return { id: nextId, stableId: `n${shortName.replace(/[^A-Za-z0-9]/g, '')}CNTRL`, name: `${shortName}.tail1234.ts.net.`, hostName: shortName, os: 'linux', addresses: [address], ...over };
}

/**
 * Each node has its own loopback address, so a test (or a SOCKS proxy in front of a browser) connects
 * from it and the double's whois names that node: the same lookup tailscaled does on a tailnet IP.
 */
export const NODES = {
  gateway: node('porthole', '127.0.0.20', { tags: ['tag:porthole'], os: 'linux' }),
  alice: node('alice-mbp', '127.0.0.2', {
    os: 'macOS',
    user: { id: 3216549870123456789n, loginName: 'alice@example.com', displayName: 'Alice Example' },
    // The lab's sshd has one account; on tailnet machines a grant names the accounts it allows.
    capMap: { [CAPABILITY]: [{ role: 'operator', hosts: ['lab-ssh', 'tag:lab'], protocols: ['ssh'], users: ['porthole-lab'] }] },
  }),
  bob: node('bobs-phone', '127.0.0.3', {
    os: 'iOS',
    user: { id: 3216549870123456790n, loginName: 'bob@example.com', displayName: 'Bob Builder' },
    capMap: { [CAPABILITY]: [{ role: 'operator', hosts: ['tag:media'], protocols: ['ssh', 'vnc'] }] },
  }),
  admin: node('admin-desk', '127.0.0.4', { os: 'linux', user: { id: 3216549870123456791n, loginName: 'admin@example.com', displayName: 'Ada Admin' } }),
  ci: node('ci-runner', '127.0.0.5', { os: 'linux', tags: ['tag:ci'] }),
  mallory: node('mallory', '127.0.0.6', { os: 'windows', user: { id: 3216549870123456792n, loginName: 'mallory@example.com', displayName: 'Mallory' } }),
  pve1: node('pve1', '127.0.0.7', { os: 'linux', tags: ['tag:lab'] }),
  jellyfin: node('jellyfin', '127.0.0.8', { os: 'linux', tags: ['tag:media'], online: false, lastSeen: '2026-11-20T08:00:00Z' }),
} satisfies Record<string, DoubleNode>;
export type NodeName = keyof typeof NODES;

/** The admin comes from porthole.yaml, the CI runner's access too: both policy sources are exercised. */
export const ACCESS_RULES: AccessRule[] = [
  { logins: ['admin@example.com'], role: 'admin', hosts: ['*'], protocols: ['ssh', 'vnc', 'rdp'], share: true },
  { tags: ['tag:ci'], role: 'operator', hosts: ['tag:lab'], protocols: ['ssh'], users: ['porthole-lab'] },
];


export interface AsNode {
  address: string;
  request<T = unknown>(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Record<string, string | string[] | undefined> }>;
  /** Opens a session over the API and attaches a terminal WebSocket from this node. */
  openTerminal(hostId: string, username?: string): Promise<{ client: TerminalClient; sessionId: string }>;
}

export interface TailnetGateway {
  gateway: Gateway;
  double: TailscaledDouble;
  /** Loopback URL of the gateway (its port is shared by every address it listens on). */
  url: string;
  logText(): string;
  as(who: NodeName | string): AsNode;
  close(): Promise<void>;
}

export async function startTailnetGateway(
  options: { access?: AccessRule[]; probePorts?: ProbePorts; config?: Partial<GatewayConfig>; peers?: DoubleNode[] } = {},
): Promise<TailnetGateway> {
  const { gateway: self, ...rest } = NODES;
  const double = await startTailscaledDouble({ self, peers: options.peers ?? Object.values(rest) });
  const dataDir = mkdtempSync(join(tmpdir(), 'porthole-tailnet-'));
  const { log, logText } = capturedLog();
  let gateway: Gateway;
  try {
    gateway = await startGateway(
      embeddedConfig(dataDir, { mode: 'tailnet', tailscaleSockets: [double.socketPath], tailscaleCapability: CAPABILITY, access: options.access ?? ACCESS_RULES, ...options.config }),
      { log, lookup: hostsFileLookup, connectTimeoutMs: 5_000, probePorts: options.probePorts },
    );
  } catch (error) {
    await double.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = gateway.url;

  function as(who: NodeName | string): AsNode {
    const address = who in NODES ? NODES[who as NodeName].addresses[0]! : who;
    return {
      address,
      request(method, path, { body, headers = {} } = {}) {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        return new Promise((resolve, reject) => {
          const req = request(
            `${url}${path}`,
            {
              method,
              localAddress: address,
              agent: false,
              headers: { origin: url, [CSRF_HEADER]: '1', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let parsed: unknown = text;
                try {
                  parsed = text ? JSON.parse(text) : undefined;
                } catch {
                  // not JSON (the page); keep the text
                }
                resolve({ status: res.statusCode ?? 0, body: parsed as never, headers: res.headers });
              });
            },
          );
          req.on('error', reject);
          req.end(payload);
        });
      },
      async openTerminal(hostId, username) {
        const res = await this.request<{ id: string }>('POST', '/api/sessions', { body: { hostId, ...(username ? { username } : {}) } });
        if (res.status !== 201) throw new Error(`open session failed: ${res.status} ${JSON.stringify(res.body)}`);
        const client = await TerminalClient.open({ url: `${url.replace('http', 'ws')}/api/sessions/${res.body.id}/terminal?cols=80&rows=24`, headers: { origin: url }, localAddress: address });
        return { client, sessionId: res.body.id };
      },
    };
  }

  return {
    gateway,
    double,
    url,
    logText,
    as,
    async close() {
      await gateway.close();
      await double.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Adds a stored host as the admin node. */
export async function addHostAsAdmin(tg: TailnetGateway, host: CreateHostRequest): Promise<HostView> {
  const res = await tg.as('admin').request<HostView>('POST', '/api/hosts', { body: host });
  if (res.status !== 201) throw new Error(`add host failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
