// Who is asking: the identity every HTTP request and WebSocket carries after authentication, with what it may do.
import { ALL_PERMISSIONS, type Permissions } from '../policy/grants.js';

/** The device a tailnet identity came from, for display and logs. */
export interface DeviceInfo {
  /** MagicDNS name without the trailing dot, e.g. alice-mbp.tail1234.ts.net. */
  name: string;
  os?: string;
}

export interface Identity {
  /** Stable key for ownership checks (sessions belong to a principal). Never a display name. */
  principal: string;
  /**
   * How this request authenticated. `browser` (owner cookie), `tailnet` (whois) and `serve` (serve headers)
   * are ambient, sent by a browser on its own, so they need CSRF checks; `token` is not. `share`: a guest
   * holding a share link's pass, who never reaches the API, only the guest routes under /share/.
   */
  via: 'browser' | 'token' | 'tailnet' | 'serve' | 'share';
  /** owner: local mode's one person; person/tagged-device: tailnet; token: an API token; guest: came through a share link. */
  kind: 'owner' | 'person' | 'tagged-device' | 'token' | 'guest';
  /** For display and logs. */
  name: string;
  /** Tailnet login (people only). */
  login?: string;
  /** Tailnet tags (tagged devices only). */
  tags: string[];
  device?: DeviceInfo;
  /** Already combined from every grant and rule that applies; the policy function reads only this. */
  permissions: Permissions;
}

export const OWNER_PRINCIPAL = 'owner';

/** Local mode's owner, and API tokens: everything, on every host. */
export function ownerIdentity(via: 'browser' | 'token', name = 'Owner'): Identity {
  return { principal: OWNER_PRINCIPAL, via, kind: via === 'token' ? 'token' : 'owner', name, tags: [], permissions: ALL_PERMISSIONS };
}

/** Principals are namespaced so a login can never collide with a tag set or the owner. */
export function personPrincipal(login: string): string {
  return `login:${login.toLowerCase()}`;
}

/** A tagged machine acts as its tags for the policy, but owns its sessions as itself: two CI runners with the same tags never see each other's. */
export function taggedPrincipal(stableId: string): string {
  return `node:${stableId}`;
}

/** A guest's principal: one per pass, so two guests of one link never share a session. */
export function guestPrincipal(passId: string): string {
  return `guest:${passId}`;
}
