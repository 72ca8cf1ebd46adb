// Decides who sent a request or WebSocket upgrade, in local mode (owner cookie) or tailnet mode (whois first), plus API tokens.
import type { AccessRule } from '../config/config-file.js';
import type { Logger } from '../log.js';
import type { MeshIdentity, WhoisResult } from '../mesh/types.js';
import { identifyRequest, type RequestFacts } from '../mesh/request-identity.js';
import { LocalApiError } from '../mesh/localapi-client.js';
import { permissionsFor, type Subject } from '../policy/access-rules.js';
import type { Permissions } from '../policy/grants.js';
import { personPrincipal, taggedPrincipal, type Identity } from './identity.js';
import type { LocalAuth } from './local-auth.js';

export type GatewayModeName = 'local' | 'tailnet';

/** Header names are looked up in lower case. */
export type AuthRequest = RequestFacts;

export type AuthOutcome =
  | { ok: true; identity: Identity }
  /** unauthorized: nobody we know; funnel: public internet (guest routes only); unavailable: tailscaled did not answer. */
  | { ok: false; refusal: 'unauthorized' | 'funnel' | 'unavailable'; reason: string };

export interface Authenticator {
  readonly mode: GatewayModeName;
  identify(request: AuthRequest): Promise<AuthOutcome>;
}

/** A request Funnel carried in from the public internet. Refusing on the header alone is safe: it only ever takes access away. */
export function isFunnelRequest(header: (name: string) => string | undefined): boolean {
  return header('tailscale-funnel-request') !== undefined;
}

const FUNNEL_REFUSAL = 'this address is open to the public internet only for shared links';

/** Local mode: the owner's cookie from the one-time link, or an API token. */
export function localAuthenticator(auth: LocalAuth): Authenticator {
  return {
    mode: 'local',
    async identify(request) {
      if (isFunnelRequest(request.header)) return { ok: false, refusal: 'funnel', reason: FUNNEL_REFUSAL };
      const identity = await auth.identify({ cookieHeader: request.header('cookie'), authorizationHeader: request.header('authorization') });
      if (identity) return { ok: true, identity };
      return { ok: false, refusal: 'unauthorized', reason: 'log in with the owner link printed by the gateway, or send a valid API token' };
    },
  };
}

export interface TailnetAuthenticatorDeps {
  /** For API tokens, which work in both modes (scripts have no tailnet identity of their own when run on the gateway). */
  auth: LocalAuth;
  whois: (address: string, port: number) => Promise<WhoisResult | null>;
  capabilityName: string;
  rules: readonly AccessRule[];
  /** Set when serve proxies to the gateway's unix socket: loopback TCP then carries no serve identity. */
  serveSocket?: boolean;
  log: Logger;
}

/** Tailnet mode: tailscaled says who is asking (see mesh/request-identity.ts for the order that makes it safe). */
export function tailnetAuthenticator(deps: TailnetAuthenticatorDeps): Authenticator {
  const reported = new Set<string>();
  function resolve(subject: Subject, caps: unknown[]): Permissions {
    const { permissions, rejected } = permissionsFor(subject, caps, deps.rules);
    for (const { entry, reason } of rejected) {
      // Once per distinct bad entry: a policy typo must be visible without flooding the log on every request.
      const key = JSON.stringify(entry) ?? String(entry);
      if (reported.has(key) || reported.size > 1_000) continue;
      reported.add(key);
      deps.log.warn({ event: 'policy.grant_rejected', capability: deps.capabilityName, entry, reason }, 'a grant entry was not understood and grants nothing');
    }
    return permissions;
  }

  function fromMesh(mesh: MeshIdentity): Identity {
    const device = { name: mesh.node.name, os: mesh.node.os };
    if (mesh.kind === 'person') {
      return {
        principal: personPrincipal(mesh.login), via: 'tailnet', kind: 'person', name: mesh.displayName, login: mesh.login, tags: [], device,
        permissions: resolve({ login: mesh.login, tags: [] }, mesh.caps),
      };
    }
    return {
      principal: taggedPrincipal(mesh.node.stableId), via: 'tailnet', kind: 'tagged-device', name: mesh.tags.join(' ') || mesh.node.name, tags: mesh.tags, device,
      permissions: resolve({ tags: mesh.tags }, mesh.caps),
    };
  }

  return {
    mode: 'tailnet',
    async identify(request) {
      if (isFunnelRequest(request.header)) return { ok: false, refusal: 'funnel', reason: FUNNEL_REFUSAL };
      if (request.header('authorization') !== undefined) {
        const identity = await deps.auth.identify({ authorizationHeader: request.header('authorization') });
        return identity ? { ok: true, identity } : { ok: false, refusal: 'unauthorized', reason: 'the API token is unknown or malformed' };
      }
      let who;
      try {
        who = await identifyRequest(request, deps.whois, deps.capabilityName, { loopback: !deps.serveSocket });
      } catch (error) {
        // Fail closed: without tailscaled we cannot know who this is, and a guess is worse than a refusal.
        const why = error instanceof LocalApiError ? error.message : String(error);
        deps.log.error({ event: 'auth.whois_failed', err: error }, 'whois failed; request refused');
        return { ok: false, refusal: 'unavailable', reason: `cannot ask tailscaled who you are: ${why}` };
      }
      switch (who.kind) {
        case 'mesh':
          return { ok: true, identity: fromMesh(who.identity) };
        case 'serve':
          return {
            ok: true,
            identity: { principal: personPrincipal(who.login), via: 'serve', kind: 'person', name: who.displayName, login: who.login, tags: [], permissions: resolve({ login: who.login, tags: [] }, who.caps) },
          };
        case 'funnel':
          return { ok: false, refusal: 'funnel', reason: FUNNEL_REFUSAL };
        case 'anonymous':
          return { ok: false, refusal: 'unauthorized', reason: `Porthole answers only to tailnet devices; ${who.reason}` };
      }
    },
  };
}
