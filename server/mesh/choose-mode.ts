// Picks the gateway's mode at start: tailnet when a tailscaled LocalAPI answers and is logged in, local otherwise, with the reasons.
import { existsSync } from 'node:fs';
import type { GatewayMode } from '../config/config.js';
import { createLocalApiClient, type LocalApiClient } from './localapi-client.js';
import { socketTrustProblem } from './socket-trust.js';
import type { StatusResult } from './types.js';

export type ModeDecision =
  | { mode: 'tailnet'; client: LocalApiClient; status: StatusResult; version: string }
  /** `reasons` says why each socket was not used, for the start-up message. */
  | { mode: 'local'; reasons: string[] };

export interface ChooseModeOptions {
  mode: GatewayMode;
  /** Tried in order; the first that answers decides. */
  sockets: readonly string[];
  /** Configured by the owner (trusted as given), rather than probed default paths (checked for planting). */
  socketsConfigured?: boolean;
  createClient?: (socketPath: string) => LocalApiClient;
}

export async function chooseMode(options: ChooseModeOptions): Promise<ModeDecision> {
  if (options.mode === 'local') return { mode: 'local', reasons: ['mode is set to local'] };
  const createClient = options.createClient ?? ((socketPath) => createLocalApiClient({ socketPath }));
  const reasons: string[] = [];
  for (const socketPath of options.sockets) {
    // Skipping absent default paths keeps the message about the one that exists (or says none does).
    if (options.sockets.length > 1 && !existsSync(socketPath)) {
      reasons.push(`no tailscaled socket at ${socketPath}`);
      continue;
    }
    const distrust = options.socketsConfigured ? null : socketTrustProblem(socketPath);
    if (distrust) {
      reasons.push(distrust);
      continue;
    }
    const client = createClient(socketPath);
    const probe = await client.probe();
    if (!probe.ok) {
      reasons.push(probe.reason);
      continue;
    }
    if (probe.backendState !== 'Running') {
      reasons.push(`tailscaled at ${socketPath} is ${probe.backendState}, not Running (run \`tailscale up\`)`);
      continue;
    }
    try {
      const status = await client.status({ peers: false });
      if (status.tailscaleIps.length === 0) {
        reasons.push(`tailscaled at ${socketPath} reports no Tailscale addresses yet`);
        continue;
      }
      return { mode: 'tailnet', client, status, version: probe.version };
    } catch (error) {
      reasons.push((error as Error).message);
    }
  }
  if (options.mode === 'tailnet') {
    throw new Error(`mode is tailnet but no tailscaled LocalAPI can be used: ${reasons.join('; ')}. Set --tailscale-socket / PORTHOLE_TAILSCALE_SOCKET, or --mode local`);
  }
  return { mode: 'local', reasons };
}
